/** A backup job as this subgraph extends it: by its key (the scheduler owns jobs), adding `backups`. */
import { Directive, Field, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType('BackupJob')
export class BackupJobReference {
  @Field(() => ID)
  id!: string;
}

export function resolveBackupJobReference(ref: Pick<BackupJobReference, 'id'>): BackupJobReference {
  return { id: ref.id };
}
