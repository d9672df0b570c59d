/** The scheduler's own options (beside the common ones of every service). */
import { url } from '@lifeboat/config';
import { tenancyOptions } from '@lifeboat/tenancy';

export const schedulerOptions = {
  LIFEBOAT_SOURCE_DATABASE_URL: url({
    description: 'The protected database (the scheduler checks that the tenants a backup names exist)',
    protocols: ['postgres', 'postgresql'],
    default: 'postgres://postgres@127.0.0.1:5432/lifeboat_demo',
  }),
  ...tenancyOptions,
};
