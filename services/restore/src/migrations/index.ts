/** This service's committed migrations, oldest first (rewritten by scripts/migration.mjs). */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127120111 } from './Migration20261127120111';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261127120111', class: Migration20261127120111 },
];
