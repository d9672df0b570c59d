/** The public view of a backup job; the backup-executor adds `backups` by its key. */
import { Directive, Field, Float, ID, InputType, ObjectType } from 'type-graphql';
import { BackupType } from './enums';

@Directive('@key(fields: "id")')
@ObjectType('BackupJob')
export class BackupJobView {
  @Field(() => ID)
  id!: string;

  @Field(() => BackupType)
  type!: BackupType;

  @Field(() => String, { description: 'SCHEDULED, QUEUED, RUNNING, SUCCEEDED, PARTIAL, FAILED, SKIPPED, MISSED or CANCELLED' })
  status!: string;

  @Field(() => [String], { nullable: true })
  tenantIds!: string[] | null;

  @Field(() => String, { description: 'Who or what started it' })
  requestedBy!: string;

  @Field(() => ID, { nullable: true })
  scheduleId!: string | null;

  @Field(() => Date, { nullable: true })
  runAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "The schedule's occurrence this job is" })
  scheduledFor!: Date | null;

  @Field(() => String, { nullable: true, description: 'The scheduler replica that fired it' })
  firedBy!: string | null;

  @Field(() => String, { nullable: true })
  message!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Float, { nullable: true })
  durationSeconds!: number | null;
}

@InputType('TriggerBackupInput')
export class TriggerBackupInput {
  @Field(() => BackupType)
  type!: BackupType;

  @Field(() => [String], { nullable: true })
  tenantIds?: string[];

  @Field(() => Boolean, { nullable: true })
  allTenants?: boolean;

  @Field(() => Date, { nullable: true })
  runAt?: Date;
}
