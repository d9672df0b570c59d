/** This service's committed migrations, oldest first (rewritten by scripts/migration.mjs). */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127120046 } from './Migration20261127120046';
import { Migration20261127122150 } from './Migration20261127122150';
import { Migration20261127131020 } from './Migration20261127131020';
import { Migration20261127132616 } from './Migration20261127132616';
import { Migration20261127140335 } from './Migration20261127140335';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261127120046', class: Migration20261127120046 },
  { name: 'Migration20261127122150', class: Migration20261127122150 },
  { name: 'Migration20261127131020', class: Migration20261127131020 },
  { name: 'Migration20261127132616', class: Migration20261127132616 },
  { name: 'Migration20261127140335', class: Migration20261127140335 },
];
