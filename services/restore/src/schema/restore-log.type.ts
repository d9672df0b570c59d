/** The public view of a restore log (API.md's BackupRestoreLog). */
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { BackupReference } from './backup.reference';
import { RestoreMode } from './enums';

@ObjectType('RestoreFailover', { description: 'A copy a restore tried and left, and why' })
export class FailoverView {
  @Field(() => String)
  location!: string;

  @Field(() => String, { description: 'Error code, e.g. CHECKSUM_MISMATCH or LOCATION_UNAVAILABLE' })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => Date)
  at!: Date;
}

@ObjectType('BackupRestoreLog')
export class RestoreLogView {
  @Field(() => ID)
  id!: string;

  @Field(() => BackupReference, { nullable: true })
  backup!: BackupReference | null;

  @Field(() => String)
  initiatedBy!: string;

  @Field(() => [String], { nullable: true })
  tenantIds!: string[] | null;

  @Field(() => RestoreMode)
  restoreMode!: RestoreMode;

  @Field(() => Date, { nullable: true })
  targetTimestamp!: Date | null;

  @Field(() => String, { nullable: true })
  targetDatabase!: string | null;

  @Field(() => String, { description: 'PENDING, RUNNING, COMPLETED or FAILED' })
  status!: string;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;

  @Field(() => String, { nullable: true, description: 'The location whose copy was applied' })
  sourceLocation!: string | null;

  @Field(() => [String], { description: 'Locations left during the restore, as "location: code: message"' })
  failovers!: string[];

  @Field(() => [FailoverView])
  failoverDetails!: FailoverView[];

  @Field(() => Float, { nullable: true })
  bytes!: number | null;

  @Field(() => Float, { nullable: true })
  durationSeconds!: number | null;

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => String, { nullable: true, description: 'What the restore did, or for a dry run would do' })
  plan!: string | null;

  @Field(() => Int)
  jobs!: number;

  @Field(() => String, { nullable: true, description: 'Replacing the protected database: where the replaced one is kept (drop it when done)' })
  previousDatabase!: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Row count per table: `{ "schema.table": { expected, found } }`' })
  rowCheck!: Record<string, { expected: number; found: number }> | null;

  @Field(() => Date, { nullable: true, description: 'PITR: the time of the last transaction replayed' })
  recoveredTo!: Date | null;

  @Field(() => String, { nullable: true, description: 'PITR: the recovered cluster, while it runs' })
  clusterUrl!: string | null;

  @Field(() => [ID], { nullable: true, description: 'Tenant restores: the tenant backups restored from' })
  backupIds!: string[] | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Tenant restores: `{ tenant: { "schema.table": { rows, deleted, inserted, kept, conflicts } } }`' })
  tenantResults!: Record<string, Record<string, { rows: number; deleted: number; inserted: number; kept: number; conflicts: number }>> | null;
}
