/** The lease, taken or renewed in one statement: at most one holder at a time, whatever the replicas. */
import type { MikroORM } from '@lifeboat/db';

export class LeaseRepository {
  constructor(private readonly orm: MikroORM) {}

  /** Takes or renews `name` for `holder` until now + ttl; true when `holder` holds it now. */
  async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const rows = await this.orm.em.fork().getConnection().execute<{ holder: string }[]>(
      `insert into lease (name, holder, expires_at) values (?, ?, now() + (? * interval '1 millisecond'))
       on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
         where lease.holder = excluded.holder or lease.expires_at < now()
       returning holder`,
      [name, holder, ttlMs],
    );
    return rows.length === 1 && rows[0].holder === holder;
  }

  /** Gives the lease up (at shutdown), so that another replica takes over at once. */
  async release(name: string, holder: string): Promise<void> {
    await this.orm.em.fork().getConnection().execute('delete from lease where name = ? and holder = ?', [name, holder]);
  }
}
