/** This service's committed migrations, oldest first (rewritten by scripts/migration.mjs). */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127120142 } from './Migration20261127120142';
import { Migration20261127122149 } from './Migration20261127122149';
import { Migration20261127130746 } from './Migration20261127130746';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261127120142', class: Migration20261127120142 },
  { name: 'Migration20261127122149', class: Migration20261127122149 },
  { name: 'Migration20261127130746', class: Migration20261127130746 },
];
