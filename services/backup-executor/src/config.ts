/** The backup-executor's own options (beside the common ones of every service). */
import { int, list, optional, str, url } from '@lifeboat/config';
import { masterKeysOption } from '@lifeboat/artifact';
import { locationOptions } from '@lifeboat/storage';
import { tenancyOptions } from '@lifeboat/tenancy';

export const backupExecutorOptions = {
  LIFEBOAT_SOURCE_DATABASE_URL: url({
    description: 'The protected database (what full and tenant backups read); npm start creates a demo one',
    protocols: ['postgres', 'postgresql'],
    default: 'postgres://postgres@127.0.0.1:5432/lifeboat_demo',
  }),
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
  ...tenancyOptions,
  ...locationOptions(['local', 'r2', 'b2']),
};
