/** This service's committed migrations, oldest first (rewritten by scripts/migration.mjs). */
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127120111 } from './Migration20261127120111';
import { Migration20261127124058 } from './Migration20261127124058';
import { Migration20261127125113 } from './Migration20261127125113';
import { Migration20261127132746 } from './Migration20261127132746';

export const migrations: MigrationObject[] = [
  { name: 'Migration20261127120111', class: Migration20261127120111 },
  { name: 'Migration20261127124058', class: Migration20261127124058 },
  { name: 'Migration20261127125113', class: Migration20261127125113 },
  { name: 'Migration20261127132746', class: Migration20261127132746 },
];
