/** This service's committed migrations, oldest first (rewritten by scripts/migration.mjs). */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127120202 } from './Migration20261127120202';
import { Migration20261127122319 } from './Migration20261127122319';
import { Migration20261128023301 } from './Migration20261128023301';
import { Migration20261128050400 } from './Migration20261128050400';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261127120202', class: Migration20261127120202 },
  { name: 'Migration20261127122319', class: Migration20261127122319 },
  { name: 'Migration20261128023301', class: Migration20261128023301 },
  { name: 'Migration20261128050400', class: Migration20261128050400 },
];
