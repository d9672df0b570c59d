/** The Backup entity as this subgraph extends it: by its key, adding `copies`. */
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { BackupCopyView } from './backup-copy.type';

@Directive('@key(fields: "id")')
@ObjectType('Backup')
export class BackupReference {
  @Field(() => ID)
  id!: string;

  /** `verifyBackup`'s answer: the copies as the verification left them, not as a repair begun since has. */
  verified?: BackupCopyView[];
}

export function resolveBackupReference(ref: Pick<BackupReference, 'id'>): BackupReference {
  return { id: ref.id };
}
