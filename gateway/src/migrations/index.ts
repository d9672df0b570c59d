/** This service's committed migrations, oldest first (rewritten by scripts/migration.mjs). */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127120519 } from './Migration20261127120519';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261127120519', class: Migration20261127120519 },
];
