/** The public view of a schedule. */
import { Field, ID, ObjectType } from 'type-graphql';
import { BackupType } from './enums';

@ObjectType('Schedule')
export class ScheduleView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Cron expression, read in `timezone`' })
  cron!: string;

  @Field(() => String, { description: 'IANA timezone, e.g. Europe/Paris' })
  timezone!: string;

  @Field(() => BackupType)
  type!: BackupType;

  @Field(() => [String], { nullable: true })
  tenantIds!: string[] | null;

  @Field(() => Boolean)
  allTenants!: boolean;

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => Date, { nullable: true })
  nextRunAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastRunAt!: Date | null;

  @Field(() => String, { nullable: true })
  lastOutcome!: string | null;
}
