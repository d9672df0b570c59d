/** This service's committed migrations, oldest first (rewritten by scripts/migration.mjs). */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127120145 } from './Migration20261127120145';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261127120145', class: Migration20261127120145 },
];
