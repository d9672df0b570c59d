/** The Backup entity as this subgraph extends it: by its key, adding `copies`. */
import { Directive, Field, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id")')
@ObjectType('Backup')
export class BackupReference {
  @Field(() => ID)
  id!: string;
}

export function resolveBackupReference(ref: Pick<BackupReference, 'id'>): BackupReference {
  return { id: ref.id };
}
