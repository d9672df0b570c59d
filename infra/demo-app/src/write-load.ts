/**
 * A steady stream of application transactions against the demo database, as the application
 * role under row-level security: new orders, shipments, stock receipts, CRM activities,
 * invoices, price changes and deletions. Each transaction's last statement inserts a load_marks
 * row, so tests of backups and point-in-time recovery know which transactions a copy must hold.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client } from 'pg';
import { inTransaction, withClient } from './client';
import { Random } from './random';
import { DEMO_ROLES, type TenantTable } from './schema';
import * as V from './vocabulary';

export interface WriteLoadOptions {
  /** Tenant ids to write to, each transaction picking one. Default: every active tenant. */
  tenants?: readonly string[];
  /** Transactions started per second; when the database is slower, they run back to back. */
  ratePerSecond: number;
  /** Stop after this long. At least one of durationMs and signal is required. */
  durationMs?: number;
  signal?: AbortSignal;
  /** Makes the choice of tenants and transactions repeatable. Default 42. */
  seed?: number;
  /** Called after each commit, in commit order. */
  onCommit?: (mark: LoadMark) => void;
}

/** The load_marks row a transaction inserted just before it committed. */
export interface LoadMark {
  id: number;
  tenantId: string;
  /** To the millisecond. */
  committedAt: Date;
  /** To the microsecond, in UTC, e.g. `2026-01-02T03:04:05.123456Z`: usable as a recovery_target_time. */
  committedAtIso: string;
  note: string;
}

export interface WriteLoadReport {
  transactions: number;
  inserted: Partial<Record<TenantTable, number>>;
  updated: Partial<Record<TenantTable, number>>;
  deleted: Partial<Record<TenantTable, number>>;
  lastMark?: LoadMark;
  elapsedMs: number;
}

type Counts = Pick<WriteLoadReport, 'inserted' | 'updated' | 'deleted'>;

/**
 * Runs transactions one at a time on one connection until the signal aborts or durationMs has
 * passed, finishing the transaction in flight, then resolves with what it wrote. Connects with
 * `databaseUrl` and switches to the demo_app role (so the URL's user must be demo_app, a member
 * of it, or a superuser); without `tenants` it lists the active tenants before switching, which
 * demo_app itself cannot do. Rejects on the first failed transaction, after rolling it back.
 */
export async function writeLoad(databaseUrl: string, options: WriteLoadOptions): Promise<WriteLoadReport> {
  if (!(options.ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be positive, not ${options.ratePerSecond}`);
  const signals = [options.signal, options.durationMs === undefined ? undefined : AbortSignal.timeout(options.durationMs)].filter((s) => s !== undefined);
  if (signals.length === 0) throw new RangeError('writeLoad needs a durationMs or a signal to stop it');
  const stop = AbortSignal.any(signals);
  const interval = 1000 / options.ratePerSecond;
  const r = new Random(options.seed ?? 42);
  const started = performance.now();
  const report: WriteLoadReport = { transactions: 0, inserted: {}, updated: {}, deleted: {}, elapsedMs: 0 };

  await withClient(databaseUrl, async (client) => {
    const tenants = options.tenants ?? (await client.query<{ id: string }>('select id from tenants where active order by id')).rows.map((t) => t.id);
    if (tenants.length === 0) throw new Error('no tenants to write to. HINT: seed the database first, or pass tenants explicitly when connecting as demo_app.');
    await client.query(`set role ${DEMO_ROLES.app}`);
    let due = performance.now();
    while (!stop.aborted) {
      const wait = due - performance.now();
      if (wait > 0 && !(await pause(wait, stop))) break;
      // Behind schedule by more than one interval (a slow or paused database): drop the backlog
      // rather than burst to catch up.
      due = Math.max(due + interval, performance.now() - interval);
      const tenant = r.pick(tenants);
      const mark = await inTransaction(client, async () => {
        await client.query(`select set_config('app.current_tenant', $1, true)`, [tenant]);
        const note = await TRANSACTIONS[pickKind(r)](client, tenant, r, report);
        const { rows } = await client.query<{ id: string; committed_at: Date; iso: string }>(
          `insert into load_marks (tenant_id, note) values ($1, $2)
           returning id, committed_at, to_char(committed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as iso`,
          [tenant, note],
        );
        return { id: Number(rows[0].id), tenantId: tenant, committedAt: rows[0].committed_at, committedAtIso: rows[0].iso, note };
      });
      count(report, 'inserted', 'load_marks', 1);
      report.transactions++;
      report.lastMark = mark;
      options.onCommit?.(mark);
    }
  });
  report.elapsedMs = Math.round(performance.now() - started);
  return report;
}

/** Resolves false when the signal aborts first. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function count(report: Counts, what: keyof Counts, table: TenantTable, n: number): void {
  if (n > 0) report[what][table] = (report[what][table] ?? 0) + n;
}

type Transaction = (client: Client, tenant: string, r: Random, report: Counts) => Promise<string>;

const WEIGHTS = { newOrder: 30, ship: 15, receipt: 15, activity: 20, invoice: 8, priceChange: 4, completeTask: 3, deletion: 5 } as const;
type Kind = keyof typeof WEIGHTS;
const TOTAL_WEIGHT = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);

function pickKind(r: Random): Kind {
  let x = r.next() * TOTAL_WEIGHT;
  for (const [kind, weight] of Object.entries(WEIGHTS) as [Kind, number][]) {
    x -= weight;
    if (x < 0) return kind;
  }
  return 'activity';
}

/** A number unique per tenant in practice: UTC time to the millisecond and 16 random bits. */
function documentNumber(prefix: string, r: Random): string {
  const stamp = new Date().toISOString().replace(/\D/g, '');
  return `${prefix}-${stamp.slice(0, 8)}-${stamp.slice(8)}-${r.int(0, 0xffff).toString(16).padStart(4, '0')}`;
}

function cents(numeric: string): number {
  return Math.round(Number(numeric) * 100);
}

function money(c: number): string {
  return (c / 100).toFixed(2);
}

async function one<T extends object>(client: Client, sql: string, params: unknown[]): Promise<T | undefined> {
  return (await client.query<T>(sql, params)).rows[0];
}

const randomCustomer = (client: Client, tenant: string) =>
  one<{ id: string }>(client, 'select id from customers where tenant_id = $1 order by random() limit 1', [tenant]);

const TRANSACTIONS: Record<Kind, Transaction> = {
  async newOrder(client, tenant, r, report) {
    const customer = await randomCustomer(client, tenant);
    const warehouse = await one<{ id: string }>(client, 'select id from warehouses where tenant_id = $1 order by is_primary desc, random() limit 1', [tenant]);
    const products = (await client.query<{ id: string; unit_price: string }>('select id, unit_price from products where tenant_id = $1 and not discontinued order by random() limit $2', [tenant, r.int(1, 4)])).rows;
    if (!customer || !warehouse || products.length === 0) return 'new order skipped: no customer, warehouse or product';
    const quantities = products.map(() => r.int(1, 12));
    const total = products.reduce((sum, p, i) => sum + cents(p.unit_price) * quantities[i], 0);
    const number = documentNumber('SO', r);
    const status = r.chance(0.8) ? 'confirmed' : 'draft';
    const order = await one<{ id: string }>(
      client,
      `insert into orders (tenant_id, number, customer_id, warehouse_id, status, ordered_at, currency, notes, total)
       values ($1, $2, $3, $4, $5, now(), coalesce((select currency from orders where tenant_id = $1 limit 1), 'EUR'), $6, $7) returning id`,
      [tenant, number, customer.id, warehouse.id, status, r.chance(0.2) ? r.pick(V.ORDER_NOTES) : null, money(total)],
    );
    await client.query(
      `insert into order_lines (tenant_id, order_id, line_no, product_id, quantity, unit_price)
       select $1, $2, n, p, q, price from unnest($3::uuid[], $4::int[], $5::numeric[]) with ordinality as l(p, q, price, n)`,
      [tenant, order?.id, products.map((p) => p.id), quantities, products.map((p) => p.unit_price)],
    );
    count(report, 'inserted', 'orders', 1);
    count(report, 'inserted', 'order_lines', products.length);
    return `new ${status} order ${number}`;
  },

  async ship(client, tenant, _r, report) {
    const order = await one<{ id: string; warehouse_id: string; number: string }>(
      client,
      `update orders set status = 'shipped', shipped_at = now()
       where id = (select id from orders where tenant_id = $1 and status = 'confirmed' order by ordered_at limit 1 for update)
       returning id, warehouse_id, number`,
      [tenant],
    );
    if (!order) return 'shipment skipped: no confirmed order';
    const moved = await client.query(
      `insert into stock_movements (tenant_id, warehouse_id, product_id, order_id, kind, quantity, reference, moved_at)
       select tenant_id, $2, product_id, order_id, 'shipment', -quantity, $3, now() from order_lines where tenant_id = $1 and order_id = $4`,
      [tenant, order.warehouse_id, order.number, order.id],
    );
    count(report, 'updated', 'orders', 1);
    count(report, 'inserted', 'stock_movements', moved.rowCount ?? 0);
    return `shipped ${order.number}`;
  },

  async receipt(client, tenant, r, report) {
    const target = await one<{ product_id: string; warehouse_id: string | null }>(
      client,
      `select p.id as product_id, (select id from warehouses where tenant_id = $1 order by random() limit 1) as warehouse_id
       from products p where p.tenant_id = $1 order by random() limit 1`,
      [tenant],
    );
    if (!target?.warehouse_id) return 'receipt skipped: no product or warehouse';
    const reference = documentNumber('PO', r);
    await client.query(
      `insert into stock_movements (tenant_id, warehouse_id, product_id, kind, quantity, reference, note, moved_at)
       values ($1, $2, $3, 'receipt', $4, $5, $6, now())`,
      [tenant, target.warehouse_id, target.product_id, r.int(10, 200), reference, r.chance(0.3) ? 'Delivered by carrier\tpallet 1/1' : null],
    );
    count(report, 'inserted', 'stock_movements', 1);
    return `stock receipt ${reference}`;
  },

  async activity(client, tenant, r, report) {
    const customer = await randomCustomer(client, tenant);
    if (!customer) return 'activity skipped: no customer';
    const contact = await one<{ id: string }>(client, 'select id from contacts where tenant_id = $1 and customer_id = $2 order by random() limit 1', [tenant, customer.id]);
    const kind = r.pick(['call', 'email', 'meeting', 'note', 'task'] as const);
    await client.query(
      `insert into activities (tenant_id, customer_id, contact_id, kind, subject, body, metadata, due_on, done, occurred_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())`,
      [
        tenant,
        customer.id,
        contact?.id ?? null,
        kind,
        r.pick(V.ACTIVITY_SUBJECTS[kind]),
        r.chance(0.7) ? r.pick(V.ACTIVITY_BODIES) : null,
        { source: 'write-load', channel: r.pick(['web', 'phone', 'email', 'in person']), score: r.int(0, 100) },
        kind === 'task' ? new Date(Date.now() + r.int(1, 14) * 86_400_000).toISOString().slice(0, 10) : null,
        kind !== 'task',
      ],
    );
    count(report, 'inserted', 'activities', 1);
    return `${kind} logged`;
  },

  async invoice(client, tenant, r, report) {
    const order = await one<{ id: string; customer_id: string; total: string }>(
      client,
      `select o.id, o.customer_id, o.total from orders o
       where o.tenant_id = $1 and o.status in ('shipped', 'delivered')
         and not exists (select from invoices i where i.tenant_id = o.tenant_id and i.order_id = o.id)
       order by o.ordered_at desc limit 1`,
      [tenant],
    );
    if (!order) return 'invoice skipped: every shipped order is invoiced';
    const rate = await one<{ rate: string }>(client, 'select tax / net as rate from invoices where tenant_id = $1 and net > 0 limit 1', [tenant]);
    const net = cents(order.total);
    const tax = Math.round(net * Number(rate?.rate ?? 0.2));
    const number = documentNumber('INV', r);
    const invoice = await one<{ id: string }>(
      client,
      `insert into invoices (tenant_id, number, customer_id, order_id, status, issued_on, due_on, net, tax, total)
       values ($1, $2, $3, $4, 'issued', current_date, current_date + 30, $5, $6, $7) returning id`,
      [tenant, number, order.customer_id, order.id, money(net), money(tax), money(net + tax)],
    );
    const entries = (
      [
        ['1200', net + tax, 0],
        ['4000', 0, net],
        ['2200', 0, tax],
      ] as const
    ).filter(([, debit, credit]) => debit !== 0 || credit !== 0);
    await client.query(
      `insert into ledger_entries (tenant_id, invoice_id, account_code, posted_on, debit, credit, memo)
       select $1, $2, a, current_date, d, c, $3 from unnest($4::text[], $5::numeric[], $6::numeric[]) as e(a, d, c)`,
      [tenant, invoice?.id, number, entries.map((e) => e[0]), entries.map((e) => money(e[1])), entries.map((e) => money(e[2]))],
    );
    count(report, 'inserted', 'invoices', 1);
    count(report, 'inserted', 'ledger_entries', entries.length);
    return `invoice ${number}`;
  },

  async priceChange(client, tenant, r, report) {
    const product = await one<{ sku: string }>(
      client,
      `update products set unit_price = round(unit_price * $2, 2), updated_at = now()
       where id = (select id from products where tenant_id = $1 order by random() limit 1) returning sku`,
      [tenant, r.pick([0.9, 0.95, 1.05, 1.1])],
    );
    if (!product) return 'price change skipped: no product';
    count(report, 'updated', 'products', 1);
    return `new price for ${product.sku}`;
  },

  async completeTask(client, tenant, _r, report) {
    const task = await one<{ id: string }>(
      client,
      `update activities set done = true
       where id = (select id from activities where tenant_id = $1 and kind = 'task' and not done order by due_on limit 1) returning id`,
      [tenant],
    );
    if (!task) return 'task completion skipped: no open task';
    count(report, 'updated', 'activities', 1);
    return `task ${task.id} done`;
  },

  /** Abandoned draft orders go (lines first); otherwise a customer's oldest activity. */
  async deletion(client, tenant, _r, report) {
    const draft = await one<{ id: string; number: string }>(client, `select id, number from orders where tenant_id = $1 and status = 'draft' order by ordered_at limit 1 for update`, [tenant]);
    if (draft) {
      const lines = await client.query('delete from order_lines where tenant_id = $1 and order_id = $2', [tenant, draft.id]);
      await client.query('delete from orders where id = $1', [draft.id]);
      count(report, 'deleted', 'order_lines', lines.rowCount ?? 0);
      count(report, 'deleted', 'orders', 1);
      return `deleted draft order ${draft.number}`;
    }
    const customer = await randomCustomer(client, tenant);
    const gone = customer
      ? await client.query('delete from activities where id = (select id from activities where tenant_id = $1 and customer_id = $2 order by occurred_at limit 1)', [tenant, customer.id])
      : undefined;
    if (!gone?.rowCount) return 'deletion skipped: nothing to delete';
    count(report, 'deleted', 'activities', 1);
    return 'deleted an old activity';
  },
};
