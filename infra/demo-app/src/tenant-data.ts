/**
 * One tenant's demo data, computed from (seed, tenant number, scale, asOf) alone: no I/O, and the
 * same rows on every run, whichever other tenants are generated with it. Rows go to a sink,
 * interleaved across tables; the sink decides how and in which order to load them. Generated keys
 * are UUIDs drawn from the tenant's own random stream; identity keys are left to the sink.
 */
import { type CopyValue } from './copy-text';
import { Random } from './random';
import { type TenantTable } from './schema';
import * as V from './vocabulary';

/** The tables the generator fills: all but the write load's marks. */
export type SeedTable = 'tenants' | Exclude<TenantTable, 'load_marks'>;

/** The columns of each table's rows, in the order the generator emits them. */
export const SEED_COLUMNS: Record<SeedTable, readonly string[]> = {
  tenants: ['id', 'name', 'plan', 'active', 'created_at'],
  warehouses: ['id', 'tenant_id', 'code', 'name', 'address', 'city', 'country', 'is_primary', 'opened_on'],
  products: ['id', 'tenant_id', 'sku', 'name', 'description', 'category', 'unit_price', 'cost_price', 'weight_grams', 'tags', 'attributes', 'discontinued', 'created_at', 'updated_at'],
  customers: ['id', 'tenant_id', 'name', 'email', 'phone', 'billing_address', 'country', 'segment', 'credit_limit', 'tags', 'created_at'],
  contacts: ['id', 'tenant_id', 'customer_id', 'first_name', 'last_name', 'email', 'phone', 'job_title', 'is_primary', 'created_at'],
  activities: ['tenant_id', 'customer_id', 'contact_id', 'kind', 'subject', 'body', 'metadata', 'due_on', 'done', 'occurred_at'],
  orders: ['id', 'tenant_id', 'number', 'customer_id', 'warehouse_id', 'status', 'ordered_at', 'shipped_at', 'currency', 'shipping_address', 'notes', 'total'],
  order_lines: ['tenant_id', 'order_id', 'line_no', 'product_id', 'quantity', 'unit_price', 'discount_pct'],
  stock_movements: ['tenant_id', 'warehouse_id', 'product_id', 'order_id', 'kind', 'quantity', 'reference', 'note', 'moved_at'],
  accounts: ['tenant_id', 'code', 'name', 'kind'],
  invoices: ['id', 'tenant_id', 'number', 'customer_id', 'order_id', 'status', 'issued_on', 'due_on', 'paid_at', 'net', 'tax', 'total', 'notes'],
  ledger_entries: ['tenant_id', 'invoice_id', 'account_code', 'posted_on', 'debit', 'credit', 'memo'],
};

/** Tables whose bigint identity `id` the sink assigns; their rows come without it. */
export type IdentityTable = 'activities' | 'stock_movements' | 'ledger_entries';
export const IDENTITY_TABLES: readonly IdentityTable[] = ['activities', 'stock_movements', 'ledger_entries'];

export function isIdentityTable(table: SeedTable): table is IdentityTable {
  return (IDENTITY_TABLES as readonly string[]).includes(table);
}

export interface RowSink {
  row(table: SeedTable, values: CopyValue[]): void;
}

export interface TenantSpec {
  seed: number;
  /** 1 is tenant `t0001`. */
  tenantNumber: number;
  /** Multiplies every row count except the chart of accounts. */
  scale: number;
  /** Generated times lie in the two years before this instant. */
  asOf: Date;
}

/** Relative tenant sizes, repeating every ten tenants, so any ten in a row include a 5:1 spread. */
const SIZE_PATTERN = [0.35, 0.6, 1.0, 0.8, 2.0, 0.5, 1.2, 0.7, 1.5, 0.9];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAY = 86_400_000;
const HOUR = 3_600_000;

export function tenantId(tenantNumber: number): string {
  return `t${String(tenantNumber).padStart(4, '0')}`;
}

/** Every seventh tenant, starting with t0003, has left: inactive, its data kept. */
export function tenantActive(tenantNumber: number): boolean {
  return tenantNumber % 7 !== 3;
}

function money(cents: number): string {
  const abs = Math.abs(cents);
  const c = abs % 100;
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${c < 10 ? '0' : ''}${c}`;
}

function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const ASCII_FOLD: Record<string, string> = { ø: 'o', ł: 'l', æ: 'ae', ß: 'ss', ı: 'i', å: 'a' };

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[øłæßıå]/g, (c) => ASCII_FOLD[c])
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
}

interface Product {
  id: string;
  priceCents: number;
}

interface Customer {
  id: string;
  createdMs: number;
  contacts: string[];
}

interface Order {
  id: string;
  number: string;
  customerId: string;
  warehouseId: string;
  status: 'draft' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled';
  orderedMs: number;
  shippedMs: number | null;
  totalCents: number;
  lines: { productId: string; quantity: number }[];
}

/** Emits every row of one tenant, its `tenants` row included. */
export function generateTenant(sink: RowSink, spec: TenantSpec): void {
  const r = new Random(spec.seed, spec.tenantNumber);
  const tid = tenantId(spec.tenantNumber);
  const asOf = spec.asOf.getTime();
  const size = SIZE_PATTERN[(spec.tenantNumber - 1) % SIZE_PATTERN.length] * (0.95 + 0.1 * r.next());
  const count = (base: number) => Math.max(1, Math.round(base * size * spec.scale));
  const timeBetween = (fromMs: number, toMs: number) => fromMs + Math.floor(r.next() * Math.max(1, toMs - fromMs));
  const { currency, taxRate } = r.pick(V.CURRENCIES);
  const home = r.sample(V.CITIES, 2);

  const companyName = () => {
    const suffix = r.pick(V.COMPANY_SUFFIXES);
    return `${r.pick(V.COMPANY_WORDS)} ${r.pick(V.COMPANY_NOUNS)}${suffix ? ` ${suffix}` : ''}`;
  };
  const phone = (dial: string) => `+${dial} ${r.int(100, 999)} ${r.int(1000, 9999)} ${r.int(100, 999)}`;
  const address = (lines: string[], place: (typeof V.CITIES)[number]) =>
    [...lines, `${r.int(1, 250)} ${place.street}`, `${place.postal} ${place.city}`].join('\n');

  sink.row('tenants', [tid, companyName(), size >= 1.5 ? 'enterprise' : size < 0.55 ? 'free' : 'standard', tenantActive(spec.tenantNumber), isoTime(timeBetween(asOf - 6 * 365 * DAY, asOf - 2 * 365 * DAY))]);

  for (const a of V.CHART_OF_ACCOUNTS) sink.row('accounts', [tid, a.code, a.name, a.kind]);

  const warehouses: string[] = [];
  for (let i = 0; i < count(3); i++) {
    const place = home[i % home.length];
    const id = r.uuid();
    warehouses.push(id);
    sink.row('warehouses', [id, tid, `WH-${String(i + 1).padStart(2, '0')}`, `${place.city} ${r.pick(V.WAREHOUSE_KINDS)}`, r.chance(0.1) ? null : address([], place), place.city, place.country, i === 0, isoDay(timeBetween(asOf - 3000 * DAY, asOf - 200 * DAY))]);
  }

  const products: Product[] = [];
  for (let i = 0; i < count(25); i++) {
    const category = r.pick(V.PRODUCT_CATEGORIES);
    const name = `${r.pick(V.PRODUCT_ADJECTIVES)} ${r.pick(category.items)}${r.chance(0.4) ? ` – ${r.pick(V.COLORS)}` : ''}`;
    const material = r.pick(V.MATERIALS);
    const priceCents = Math.floor(Math.exp(Math.log(199) + r.next() * (Math.log(49_999) - Math.log(199))) / 100) * 100 + 99;
    const createdMs = timeBetween(asOf - 900 * DAY, asOf - 30 * DAY);
    const description = r.chance(0.3)
      ? null
      : `${name} in ${material}.${r.chance(0.3) ? `\nDimensions: ${r.int(5, 80)}×${r.int(5, 80)} cm` : ''}${r.chance(0.1) ? ' Customers call it "the good one".' : ''}`;
    const attributes: Record<string, unknown> = {
      color: r.pick(V.COLORS),
      material,
      dimensions_cm: { w: r.int(2, 120), h: r.int(2, 120), d: r.int(1, 60) },
      origin: r.pick(V.CITIES).country,
    };
    if (r.chance(0.3)) attributes.warranty_months = r.pick([6, 12, 24, 36]);
    if (r.chance(0.15)) attributes.care = 'Hand wash only.\nDo not tumble dry.';
    const id = r.uuid();
    products.push({ id, priceCents });
    sink.row('products', [
      id,
      tid,
      `${category.code}-${String(i + 1).padStart(5, '0')}`,
      name,
      description,
      category.name,
      money(priceCents),
      r.chance(0.1) ? null : money(Math.round(priceCents * (0.4 + 0.3 * r.next()))),
      r.chance(0.15) ? null : r.int(20, 25_000),
      r.sample(V.PRODUCT_TAGS, r.pick([0, 0, 1, 1, 2, 3])),
      attributes,
      r.chance(0.05),
      isoTime(createdMs),
      isoTime(r.chance(0.5) ? createdMs : timeBetween(createdMs, asOf)),
    ]);
  }

  const customers: Customer[] = [];
  for (let i = 0; i < count(30); i++) {
    const segment = r.pick(['retail', 'retail', 'retail', 'retail', 'wholesale', 'wholesale', 'wholesale', 'enterprise', 'enterprise', 'public'] as const);
    const name = segment === 'retail' ? `${r.pick(V.FIRST_NAMES)} ${r.pick(V.LAST_NAMES)}` : companyName();
    const place = r.pick(V.CITIES);
    const createdMs = timeBetween(asOf - 900 * DAY, asOf - 7 * DAY);
    const customer: Customer = { id: r.uuid(), createdMs, contacts: [] };
    customers.push(customer);
    sink.row('customers', [
      customer.id,
      tid,
      name,
      r.chance(0.1) ? null : `${slug(name)}@${r.pick(V.EMAIL_DOMAINS)}`,
      r.chance(0.25) ? null : phone(place.dial),
      r.chance(0.08) ? null : address([name], place),
      place.country,
      segment,
      segment === 'retail' ? null : money(r.int(10, 500) * 10_000),
      r.sample(V.CUSTOMER_TAGS, r.pick([0, 0, 1, 2])),
      isoTime(createdMs),
    ]);
    const contacts = segment === 'retail' ? (r.chance(0.3) ? 1 : 0) : r.int(1, 3);
    for (let c = 0; c < contacts; c++) {
      const first = r.pick(V.FIRST_NAMES);
      const last = r.pick(V.LAST_NAMES);
      const id = r.uuid();
      customer.contacts.push(id);
      sink.row('contacts', [id, tid, customer.id, first, last, r.chance(0.1) ? null : `${slug(first)}.${slug(last)}@${r.pick(V.EMAIL_DOMAINS)}`, r.chance(0.4) ? null : phone(place.dial), r.chance(0.3) ? null : r.pick(V.JOB_TITLES), c === 0, isoTime(timeBetween(createdMs, asOf))]);
    }
  }

  for (let i = 0; i < count(100); i++) {
    const customer = r.pick(customers);
    const kind = r.pick(['call', 'email', 'meeting', 'note', 'task'] as const);
    const occurredMs = timeBetween(customer.createdMs, asOf);
    const metadata: Record<string, unknown> =
      kind === 'call'
        ? { direction: r.pick(['inbound', 'outbound']), duration_minutes: r.int(1, 45), outcome: r.pick(['connected', 'voicemail', 'no answer']) }
        : kind === 'email'
          ? { message_id: `<${r.uuid()}@mail.example.com>`, attachments: r.int(0, 3), thread_length: r.int(1, 9) }
          : kind === 'meeting'
            ? { location: r.chance(0.5) ? 'Zoom' : r.pick(V.CITIES).city, participants: r.sample(V.FIRST_NAMES, r.int(2, 4)), duration_minutes: r.pick([15, 30, 45, 60, 90]) }
            : kind === 'note'
              ? { pinned: r.chance(0.2), visibility: r.pick(['team', 'private']) }
              : { priority: r.pick(['low', 'normal', 'high']), reminder: r.chance(0.5) };
    if (r.chance(0.3)) metadata.sentiment = Math.round((r.next() * 2 - 1) * 100) / 100;
    sink.row('activities', [
      tid,
      customer.id,
      customer.contacts.length > 0 && r.chance(0.7) ? r.pick(customer.contacts) : null,
      kind,
      r.pick(V.ACTIVITY_SUBJECTS[kind]),
      r.chance(0.25) ? null : r.pick(V.ACTIVITY_BODIES),
      metadata,
      kind === 'task' ? isoDay(occurredMs + r.int(1, 14) * DAY) : null,
      kind === 'task' ? r.chance(0.6) : true,
      isoTime(occurredMs),
    ]);
  }

  const orderTimes = Array.from({ length: count(100) }, () => timeBetween(asOf - 730 * DAY, asOf - HOUR)).sort((a, b) => a - b);
  const orders: Order[] = orderTimes.map((orderedMs, i) => {
    const ageDays = (asOf - orderedMs) / DAY;
    const status =
      ageDays < 3
        ? r.pick(['draft', 'draft', 'confirmed', 'confirmed', 'confirmed', 'confirmed', 'confirmed', 'shipped', 'cancelled'] as const)
        : ageDays < 14
          ? r.pick(['confirmed', 'shipped', 'shipped', 'delivered', 'delivered', 'delivered', 'cancelled'] as const)
          : r.pick(['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'cancelled', 'shipped', 'draft'] as const);
    const shipped = status === 'shipped' || status === 'delivered';
    return {
      id: r.uuid(),
      number: `SO-${String(i + 1).padStart(6, '0')}`,
      customerId: r.pick(customers).id,
      warehouseId: r.chance(0.6) ? warehouses[0] : r.pick(warehouses),
      status,
      orderedMs,
      shippedMs: shipped ? Math.min(asOf, orderedMs + r.int(4, 72) * HOUR) : null,
      totalCents: 0,
      lines: [],
    };
  });
  for (const o of orders) {
    const lineProducts = r.sample(products, r.int(1, 5));
    lineProducts.forEach((p, index) => {
      const quantity = 1 + Math.floor(r.next() ** 3 * 24);
      const discount = r.pick([0, 0, 0, 0, 0, 5, 10, 12.5]);
      // In whole units of 1/200 cent, so rounding matches numeric's round(..., 2) exactly.
      o.totalCents += Math.round((quantity * p.priceCents * (200 - 2 * discount)) / 200);
      o.lines.push({ productId: p.id, quantity });
      sink.row('order_lines', [tid, o.id, index + 1, p.id, quantity, money(p.priceCents), discount]);
    });
    const place = r.pick(V.CITIES);
    sink.row('orders', [o.id, tid, o.number, o.customerId, o.warehouseId, o.status, isoTime(o.orderedMs), o.shippedMs === null ? null : isoTime(o.shippedMs), currency, r.chance(0.5) ? null : address([], place), r.chance(0.2) ? r.pick(V.ORDER_NOTES) : null, money(o.totalCents)]);
  }

  for (const o of orders) {
    if (o.shippedMs === null) continue;
    for (const line of o.lines) sink.row('stock_movements', [tid, o.warehouseId, line.productId, o.id, 'shipment', -line.quantity, o.number, null, isoTime(o.shippedMs)]);
    if (o.status === 'delivered' && r.chance(0.04)) {
      const line = r.pick(o.lines);
      sink.row('stock_movements', [tid, o.warehouseId, line.productId, o.id, 'return', r.int(1, line.quantity), `RMA-${o.number.slice(3)}`, r.pick(['Damaged in transit', "Wrong size – customer's mistake", 'Not as described:\n"colour differs"']), isoTime(Math.min(asOf, o.shippedMs + r.int(3, 20) * DAY))]);
    }
  }
  for (let i = 0; i < count(40); i++) {
    const movedMs = timeBetween(asOf - 730 * DAY, asOf);
    sink.row('stock_movements', [tid, r.pick(warehouses), r.pick(products).id, null, 'receipt', r.int(10, 200), `PO-${new Date(movedMs).getUTCFullYear()}-${String(i + 1).padStart(4, '0')}`, r.chance(0.7) ? null : `Supplier: ${companyName()}`, isoTime(movedMs)]);
  }
  for (let i = 0; i < count(6); i++) {
    sink.row('stock_movements', [tid, r.pick(warehouses), r.pick(products).id, null, 'adjustment', r.pick([-1, 1]) * r.int(1, 5), null, r.pick(['Stocktake\tcorrection', 'Damaged', 'Found behind shelf B\\3', null]), isoTime(timeBetween(asOf - 730 * DAY, asOf))]);
  }

  let invoiceNumber = 0;
  const invoice = (customerId: string, order: Order | null, issuedMs: number, netCents: number) => {
    invoiceNumber += 1;
    const id = r.uuid();
    const number = `INV-${new Date(issuedMs).getUTCFullYear()}-${String(invoiceNumber).padStart(5, '0')}`;
    const dueMs = issuedMs + 30 * DAY;
    const recent = asOf - issuedMs < 3 * DAY;
    const status = recent && r.chance(0.4) ? 'draft' : r.chance(0.03) ? 'void' : dueMs < asOf ? (r.chance(0.9) ? 'paid' : 'overdue') : r.chance(0.3) ? 'paid' : 'issued';
    const paidMs = status === 'paid' ? Math.min(asOf - HOUR, issuedMs + r.int(1, 45) * DAY + r.int(0, 23) * HOUR) : null;
    const taxCents = Math.round(netCents * taxRate);
    const totalCents = netCents + taxCents;
    sink.row('invoices', [id, tid, number, customerId, order?.id ?? null, status, isoDay(issuedMs), isoDay(dueMs), paidMs === null ? null : isoTime(paidMs), money(netCents), money(taxCents), money(totalCents), r.chance(0.1) ? r.pick(['Thank you for your business!', 'Payment terms: 30 days net.\nIBAN DE89 3704 0044 0532 0130 00', 'Reverse charge – art. 196 Directive 2006/112/EC']) : null]);
    if (status === 'draft') return;
    const entry = (account: string, onMs: number, debit: number, credit: number, memo: string | null) => {
      if (debit !== 0 || credit !== 0) sink.row('ledger_entries', [tid, id, account, isoDay(onMs), money(debit), money(credit), memo]);
    };
    entry('1200', issuedMs, totalCents, 0, number);
    entry('4000', issuedMs, 0, netCents, number);
    entry('2200', issuedMs, 0, taxCents, null);
    if (paidMs !== null) {
      entry('1100', paidMs, totalCents, 0, `Payment ${number}`);
      entry('1200', paidMs, 0, totalCents, `Payment ${number}`);
    }
    if (status === 'void') {
      const voidMs = Math.min(asOf, issuedMs + r.int(1, 10) * DAY);
      entry('1200', voidMs, 0, totalCents, `Void ${number}`);
      entry('4000', voidMs, netCents, 0, `Void ${number}`);
      entry('2200', voidMs, taxCents, 0, null);
    }
  };
  const services = Array.from({ length: count(5) }, () => timeBetween(asOf - 730 * DAY, asOf - HOUR));
  const billable = orders.filter((o) => o.status !== 'draft' && o.status !== 'cancelled');
  const issues = [
    ...billable.map((o) => ({ at: Math.min(asOf - HOUR, o.orderedMs + r.int(0, 2) * DAY), order: o as Order | null, customerId: o.customerId, net: o.totalCents })),
    ...services.map((at) => ({ at, order: null, customerId: r.pick(customers).id, net: r.int(50, 2000) * 100 })),
  ].sort((a, b) => a.at - b.at);
  for (const i of issues) invoice(i.customerId, i.order, i.at, i.net);

  for (let i = 0; i < count(6); i++) {
    const onMs = timeBetween(asOf - 730 * DAY, asOf);
    const cents = r.int(100, 5000) * 100;
    const memo = `${r.pick(V.EXPENSES)} – ${MONTHS[new Date(onMs).getUTCMonth()]}`;
    sink.row('ledger_entries', [tid, null, '6000', isoDay(onMs), money(cents), money(0), memo]);
    sink.row('ledger_entries', [tid, null, '1100', isoDay(onMs), money(0), money(cents), memo]);
  }
}
