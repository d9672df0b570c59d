/**
 * The seed's schedules, created once at first start in the configured timezone. Each has a key
 * recorded when it is created: an operator who changes or deletes one never sees it come back.
 */
import type { MikroORM } from '@lifeboat/db';
import type { BackupType } from '@lifeboat/vocabulary';
import { Schedule } from '../repositories/schedule.entity';
import { SeededDefault } from '../repositories/seeded-default.entity';
import { nextOccurrence } from './cron';

export interface DefaultSchedule {
  key: string;
  name: string;
  cron: string;
  type: BackupType;
  allTenants: boolean;
}

export const DEFAULT_SCHEDULES: DefaultSchedule[] = [
  { key: 'full-daily', name: 'Daily full database backup', cron: '0 2 * * *', type: 'FULL_DATABASE', allTenants: false },
  { key: 'tenants-weekly', name: 'Weekly per-tenant backup', cron: '0 3 * * 0', type: 'TENANT_BACKUP', allTenants: true },
  { key: 'configuration-daily', name: 'Daily configuration backup', cron: '0 4 * * *', type: 'CONFIGURATION', allTenants: false },
  { key: 'wal-check', name: 'WAL archive check', cron: '*/5 * * * *', type: 'WAL_ARCHIVE', allTenants: false },
];

/** Creates the defaults never created before; safe when replicas start together. */
export async function seedDefaultSchedules(orm: MikroORM, timezone: string, now = new Date()): Promise<string[]> {
  const created: string[] = [];
  for (const d of DEFAULT_SCHEDULES) {
    await orm.em.fork().transactional(async (em) => {
      const claimed = await em.createQueryBuilder(SeededDefault).insert({ key: d.key }).onConflict('key').ignore().execute('run');
      if (claimed.affectedRows === 0) return;
      if (await em.findOne(Schedule, { name: d.name })) return;
      em.persist(
        em.create(Schedule, {
          name: d.name,
          cron: d.cron,
          timezone,
          backupType: d.type,
          allTenants: d.allTenants,
          enabled: true,
          nextRunAt: nextOccurrence(d.cron, timezone, now),
        }),
      );
      created.push(d.name);
    });
  }
  return created;
}
