/** `createSchedule` / `updateSchedule` input. */
import { Field, InputType } from 'type-graphql';
import { BackupType } from './enums';

@InputType('ScheduleInput')
export class ScheduleInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Cron expression: 5 fields, or 6 with seconds first' })
  cron!: string;

  @Field(() => String, { nullable: true, description: 'IANA timezone (default LIFEBOAT_SCHEDULE_TIMEZONE)' })
  timezone?: string;

  @Field(() => BackupType)
  type!: BackupType;

  @Field(() => [String], { nullable: true })
  tenantIds?: string[];

  @Field(() => Boolean, { nullable: true })
  allTenants?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Default true' })
  enabled?: boolean;
}
