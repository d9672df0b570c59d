/** This service's committed migrations, oldest first (rewritten by scripts/migration.mjs). */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127120046 } from './Migration20261127120046';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261127120046', class: Migration20261127120046 },
];
