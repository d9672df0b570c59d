/** The scheduler's own options (beside the common ones of every service). */
import { int, str, sourceDatabaseOption } from '@lifeboat/config';
import { tenancyOptions } from '@lifeboat/tenancy';

export const schedulerOptions = {
  LIFEBOAT_SOURCE_DATABASE_URL: sourceDatabaseOption('the scheduler checks that the tenants a backup names exist'),
  LIFEBOAT_SCHEDULE_TIMEZONE: str({ description: 'IANA timezone of the default schedules created at first start, and of new schedules that name none', default: 'UTC' }),
  LIFEBOAT_SCHEDULER_GRACE_SECONDS: int({ description: 'A run missed while no scheduler ran still runs (once) if it is at most this late', default: 3600, min: 0 }),
  LIFEBOAT_SCHEDULER_LEASE_SECONDS: int({ description: 'How long the firing replica holds the lease without renewing it; another takes over after', default: 15, min: 2 }),
  LIFEBOAT_SCHEDULER_TICK_MS: int({ description: 'How often the scheduler looks for due schedules and jobs, milliseconds', default: 1000, min: 100 }),
  ...tenancyOptions,
};
