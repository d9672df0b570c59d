/** A Backup as the restore subgraph knows it: only its key; the backup-executor resolves the rest. */
import { Directive, Field, ID, ObjectType } from 'type-graphql';

@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Backup')
export class BackupReference {
  @Field(() => ID)
  id!: string;
}
