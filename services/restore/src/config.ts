/** The restore service's own options (beside the common ones of every service). */
import { int, list, optional, str, url } from '@lifeboat/config';
import { masterKeysOption } from '@lifeboat/artifact';
import { locationOptions } from '@lifeboat/storage';
import { tenancyOptions } from '@lifeboat/tenancy';

export const restoreOptions = {
  LIFEBOAT_SOURCE_DATABASE_URL: url({
    description: 'The protected database; restores create their databases on its server, and may replace it',
    protocols: ['postgres', 'postgresql'],
    default: 'postgres://postgres@127.0.0.1:5432/lifeboat_demo',
  }),
  LIFEBOAT_MASTER_KEYS: masterKeysOption,
  LIFEBOAT_RESTORE_PREFERENCE: optional(list({ description: 'Locations a restore reads from, in order (default: LIFEBOAT_LOCATIONS order)' })),
  LIFEBOAT_RESTORE_JOBS: int({ description: 'pg_restore parallel jobs of a restore unless it says otherwise', default: 4, min: 1, max: 32 }),
  LIFEBOAT_RESTORE_CONCURRENCY: int({ description: 'Restores one restore service runs at once', default: 1, min: 1, max: 8 }),
  LIFEBOAT_RESTORE_SPOOL_DIR: str({ description: 'Where a decrypted dump is kept while pg_restore reads it (relative to LIFEBOAT_HOME)', default: './var/restore-spool' }),
  LIFEBOAT_PG_BIN_DIR: optional(str({ description: 'Directory of pg_dump and friends (default: the PATH); use the version of the protected server or newer' })),
  ...tenancyOptions,
  ...locationOptions(['local', 'r2', 'b2']),
};
