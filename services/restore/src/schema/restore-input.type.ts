/** `startRestore`'s input, as API.md gives it (plus `jobs`). */
import { Field, ID, InputType, Int } from 'type-graphql';
import { RestoreMode } from './enums';

@InputType('RestoreInput')
export class RestoreInput {
  @Field(() => ID, { nullable: true, description: 'Not needed for PITR' })
  backupId?: string;

  @Field(() => ID, { nullable: true, description: 'Tenant restores: restore from the backups of this tenant backup job' })
  jobId?: string;

  @Field(() => RestoreMode)
  mode!: RestoreMode;

  @Field(() => [String], { nullable: true, description: 'Tenant backups: which tenants (default: all in the backup or job)' })
  tenantIds?: string[];

  @Field(() => Date, { nullable: true, description: 'PITR: the moment to recover to' })
  targetTime?: Date;

  @Field(() => String, { nullable: true, description: 'Default: a new database named after the backup; naming the protected database replaces it' })
  targetDatabase?: string;

  @Field(() => String, { nullable: true, description: 'Required to replace the protected database: its name' })
  confirm?: string;

  @Field(() => Boolean, { nullable: true, description: 'Check everything that can be checked without writing, and say what would be done' })
  dryRun?: boolean;

  @Field(() => Int, { nullable: true, description: 'Parallel COPY connections and pg_restore jobs of a full restore (default LIFEBOAT_RESTORE_JOBS)' })
  jobs?: number;
}
