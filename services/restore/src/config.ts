/** The restore service's own options (beside the common ones of every service). */
import { int, list, optional, str, sourceDatabaseOption } from '@lifeboat/config';
import { masterKeysOption } from '@lifeboat/artifact';
import { locationOptions } from '@lifeboat/storage';
import { tenancyOptions } from '@lifeboat/tenancy';

export const restoreOptions = {
  LIFEBOAT_SOURCE_DATABASE_URL: sourceDatabaseOption('restores create their databases on its server, and may replace it'),
  LIFEBOAT_MASTER_KEYS: masterKeysOption,
  LIFEBOAT_RESTORE_PREFERENCE: optional(list({ description: 'Locations a restore reads from, in order (default: LIFEBOAT_LOCATIONS order)' })),
  LIFEBOAT_RESTORE_JOBS: int({ description: 'parallel COPY connections and pg_restore jobs of a full restore unless it says otherwise', default: 4, min: 1, max: 32 }),
  LIFEBOAT_RESTORE_CONCURRENCY: int({ description: 'Restores one restore service runs at once', default: 1, min: 1, max: 8 }),
  LIFEBOAT_RESTORE_SPOOL_DIR: str({ description: 'Where restores keep their files meanwhile: a full restore the dump\'s table of contents, other restores the decrypted artifact (relative to LIFEBOAT_HOME)', default: './var/restore-spool' }),
  LIFEBOAT_PG_BIN_DIR: optional(str({ description: 'Directory of pg_dump and friends (default: the PATH); use the version of the protected server or newer' })),
  LIFEBOAT_WAL_LOCATIONS: list({ description: 'The locations WAL is archived to, in the order point-in-time recovery reads them', default: ['r2', 'b2'] }),
  LIFEBOAT_PITR_DIR: str({ description: 'Where point-in-time recoveries build their clusters (relative to LIFEBOAT_HOME); the postgres OS user must be able to reach it', default: './var/pitr' }),
  LIFEBOAT_PITR_TIMEOUT_SECONDS: int({ description: 'How long a point-in-time recovery may replay WAL before it is given up', default: 3600, min: 30 }),
  LIFEBOAT_PG_SERVER_BIN_DIR: str({ description: 'Directory of the PostgreSQL server programs (postgres, pg_ctl) recoveries run, of the protected cluster\'s major version', default: '/usr/lib/postgresql/15/bin' }),
  ...tenancyOptions,
  ...locationOptions(['local', 'r2', 'b2']),
};
