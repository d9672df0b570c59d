/** The backup-executor's own options (beside the common ones of every service). */
import { bool, int, list, optional, str, sourceDatabaseOption } from '@lifeboat/config';
import { masterKeysOption } from '@lifeboat/artifact';
import { locationOptions } from '@lifeboat/storage';
import { tenancyOptions } from '@lifeboat/tenancy';

export const backupExecutorOptions = {
  LIFEBOAT_SOURCE_DATABASE_URL: sourceDatabaseOption('what full and tenant backups read'),
  LIFEBOAT_MASTER_KEYS: masterKeysOption,
  LIFEBOAT_COMPRESSION_LEVEL: int({ description: 'gzip level of artifacts, 1 (fast) to 9 (small)', default: 9, min: 1, max: 9 }),
  LIFEBOAT_COMPRESSION_WORKERS: optional(int({ description: 'Threads compressing in parallel (default: every core)', min: 1, max: 64 })),
  LIFEBOAT_PG_BIN_DIR: optional(str({ description: 'Directory of pg_dump and friends (default: the PATH); use the version of the protected server or newer' })),
  LIFEBOAT_BACKUP_CONCURRENCY: int({ description: 'Backup jobs one executor runs at once', default: 2, min: 1, max: 32 }),
  LIFEBOAT_CONFIG_ROOT: optional(str({ description: 'Directory the configuration globs are read from (default: LIFEBOAT_HOME, else the working directory)' })),
  LIFEBOAT_CONFIG_GLOBS: list({
    description: 'Files and folders a configuration backup collects, as globs relative to LIFEBOAT_CONFIG_ROOT',
    default: ['docker-compose*.yml', '.env*', 'infra/**/nginx.conf', 'infra/**/*.pem', 'infra/**/*.crt', 'infra/**/*.key', 'infra/k8s/**'],
  }),
  LIFEBOAT_WAL_SPOOL_DIR: optional(str({ description: "Where `lifeboat wal-push` (PostgreSQL's archive_command) leaves WAL for the executor to ship; unset: no WAL archiving" })),
  LIFEBOAT_WAL_LOCATIONS: list({ description: 'The locations WAL is archived to, in the order wal-fetch reads them', default: ['r2', 'b2'] }),
  LIFEBOAT_WAL_COMPRESSION_LEVEL: int({ description: 'gzip level of archived WAL (shipped as it comes: speed matters)', default: 6, min: 1, max: 9 }),
  LIFEBOAT_WAL_STUCK_SECONDS: int({ description: 'The WAL check fails and alerts when a file has waited in the spool longer than this', default: 600, min: 10 }),
  LIFEBOAT_PITR_WINDOW_DAYS: int({ description: 'Archived WAL older than this and older than the oldest retained base backup is deleted (the point-in-time recovery window)', default: 30, min: 0 }),
  LIFEBOAT_BASE_BACKUP_WITH_FULL: bool({ description: 'Full database backups also take a physical base backup when the cluster archives WAL (point-in-time recovery starts from one)', default: true }),
  ...tenancyOptions,
  ...locationOptions(['local', 'r2', 'b2']),
};
