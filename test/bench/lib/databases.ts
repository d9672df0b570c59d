/**
 * The benchmark databases on the machine's PostgreSQL, made once and kept between runs, of two
 * kinds: pgbench's tables at some scale plus a table of realistic JSON documents generated in SQL
 * (Recipe), or the demo application's multi-tenant database seeded with many tenants
 * (DemoRecipe). A database is reused when its marker row names the same recipe (the marker is
 * written last, so a database whose generation was interrupted is made again); `rebuild` makes it
 * again anyway.
 */
import { applySchema, seedDemo } from '@lifeboat/demo-app';
import { dropDatabase, urlFor, withAdmin } from '@lifeboat/testkit';
import { runCommand } from './measure';

export interface Recipe {
  /** Database name, kept between runs. */
  name: string;
  /** pgbench scale (100,000 accounts each). */
  scale: number;
  /** Rows of the `documents` table. */
  documents: number;
}

/** The benchmarks' pgbench databases: about 1.4 GiB, and a tenth of that. */
export const LARGE_RECIPE: Recipe = { name: 'lifeboat_bench_l', scale: 70, documents: 300_000 };
export const SMALL_RECIPE: Recipe = { name: 'lifeboat_bench_s', scale: 7, documents: 30_000 };

/** The demo application (infra/demo-app) with `tenants` tenants, t0001 onwards. */
export interface DemoRecipe {
  /** Database name, kept between runs. */
  name: string;
  tenants: number;
  /** seedDemo's scale: at 1, about 1,400 rows per tenant. */
  scale: number;
}

export interface BenchDatabase<R extends Recipe | DemoRecipe = Recipe> {
  recipe: R;
  url: string;
  sizeBytes: number;
  /** Whether this run generated it (false: reused). */
  generated: boolean;
}

/** Bumped whenever the SQL below changes, so that older databases are made again. */
const RECIPE_VERSION = 2;
/** Bumped whenever the way demo databases are made changes. */
const DEMO_RECIPE_VERSION = 1;
/** The demo's generated times lie in the two years before this: the same rows whenever it is made. */
const DEMO_AS_OF = new Date('2026-01-01T00:00:00Z');
const MARKER_TABLE = 'lifeboat_bench_recipe';

/**
 * Order-like documents of about 1.2 kB of JSON each: nested objects, arrays of varying length,
 * names, addresses, prices, free text. Values come from hashes of the row number, so the
 * documents differ from each other the way real ones do, yet the table is the same every time.
 */
const DOCUMENTS_SQL = `
insert into documents (id, body)
select g, jsonb_build_object(
  'id', 'doc_' || to_hex(g * 2654435761 % 4294967296),
  'kind', (array['order', 'invoice', 'support_ticket', 'shipment', 'customer_profile'])[1 + g % 5],
  'version', 1 + g % 7,
  'created_at', to_char(timestamp '2024-01-01' + g * interval '97 seconds', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  'tenant', jsonb_build_object('id', 1 + g % 250, 'plan', (array['free', 'team', 'business', 'enterprise'])[1 + (g / 250) % 4]),
  'customer', jsonb_build_object(
    'name', (array['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Frances', 'Niklaus', 'Leslie', 'Radia'])[1 + h.a % 12]
            || ' ' || (array['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Allen', 'Wirth', 'Lamport', 'Perlman'])[1 + h.b % 12],
    'email', 'user' || (h.a % 100000) || '@' || (array['example.com', 'mail.test', 'corp.example', 'shop.test'])[1 + h.c % 4],
    'phone', '+' || (1 + h.c % 90) || ' ' || lpad((h.a % 1000000000)::text, 9, '0'),
    'address', jsonb_build_object(
      'street', (1 + h.b % 999) || ' ' || (array['Main St', 'Oak Avenue', 'Station Road', 'Harbour Way', 'Mill Lane', 'Church Street', 'High Street', 'Park Road'])[1 + h.c % 8],
      'city', (array['Lisbon', 'Oslo', 'Austin', 'Kyoto', 'Lyon', 'Leeds', 'Porto', 'Graz', 'Turin', 'Tartu', 'Cork', 'Ghent'])[1 + h.a % 12],
      'postcode', lpad((h.b % 99999)::text, 5, '0'),
      'country', (array['PT', 'NO', 'US', 'JP', 'FR', 'GB', 'AT', 'IT', 'EE', 'IE', 'BE'])[1 + h.b % 11]),
    'vip', h.c % 17 = 0),
  'items', (select jsonb_agg(jsonb_build_object(
      'sku', 'SKU-' || lpad(((h.a + i * 7919) % 20000)::text, 5, '0'),
      'name', (array['Wireless mouse', 'USB-C cable 2 m', 'Standing desk', 'Monitor arm', 'Mechanical keyboard', 'Noise cancelling headphones',
                     'Laptop sleeve 14"', 'Webcam 1080p', 'Desk lamp', 'Ergonomic chair', 'Notebook A5', 'Fountain pen'])[1 + (h.b + i) % 12],
      'quantity', 1 + (h.c + i) % 4,
      'unit_price', round(((h.a + i * 104729) % 50000) / 100.0 + 0.99, 2),
      'discounts', case when (h.b + i) % 5 = 0
                        then jsonb_build_array(jsonb_build_object('code', 'SPRING' || (10 + i), 'percent', 5 + (h.c + i) % 20))
                        else '[]'::jsonb end))
    from generate_series(1, 1 + h.c % 3) as i),
  'totals', jsonb_build_object('currency', (array['EUR', 'USD', 'GBP', 'JPY', 'NOK'])[1 + h.a % 5], 'net', round((h.b % 200000) / 100.0, 2),
                               'tax_rate', (array[0, 7, 10, 19, 20, 23])[1 + h.c % 6]),
  'status', (array['new', 'paid', 'packed', 'shipped', 'delivered', 'returned', 'cancelled'])[1 + h.b % 7],
  'history', (select jsonb_agg(jsonb_build_object(
      'at', to_char(timestamp '2024-01-01' + (g * 97 + j * 3600 + h.a % 3600) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
      'event', (array['created', 'payment_authorized', 'payment_captured', 'picked', 'label_printed', 'handed_to_carrier', 'out_for_delivery', 'delivered'])[j]))
    from generate_series(1, 1 + h.b % 5) as j),
  'tags', coalesce((select jsonb_agg((array['gift', 'express', 'fragile', 'b2b', 'repeat-customer', 'promo', 'international', 'bulky', 'priority', 'eco'])[1 + (h.a / (k * 3)) % 10])
                      from generate_series(1, h.c % 4) as k), '[]'::jsonb),
  'note', case when h.a % 3 = 0 then null else
    (select string_agg((array['please', 'leave', 'the', 'parcel', 'at', 'reception', 'call', 'before', 'delivery', 'invoice', 'should', 'show', 'our',
                              'VAT', 'number', 'customer', 'asked', 'about', 'warranty', 'and', 'return', 'policy', 'for', 'damaged', 'items'])[1 + (h.b + w * 31) % 25], ' ')
       from generate_series(1, 3 + h.a % 15) as w) end,
  'metrics', jsonb_build_object('page_views', h.a % 500, 'session_seconds', h.b % 7200, 'score', round((h.c % 1000) / 10.0, 1))
)
from generate_series(1, $1::int) as g,
     lateral (select hashint4(g)::bigint & 2147483647 as a, hashint4(g + 1000000007)::bigint & 2147483647 as b,
                     hashint4(g + 2000000011)::bigint & 2147483647 as c) as h`;

function recipeText(recipe: Recipe): string {
  return JSON.stringify({ version: RECIPE_VERSION, scale: recipe.scale, documents: recipe.documents });
}

function demoRecipeText(recipe: DemoRecipe): string {
  return JSON.stringify({ kind: 'demo', version: DEMO_RECIPE_VERSION, tenants: recipe.tenants, scale: recipe.scale, asOf: DEMO_AS_OF.toISOString() });
}

async function exists(name: string): Promise<boolean> {
  return withAdmin(async (c) => (await c.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1);
}

async function isComplete(url: string, marker: string): Promise<boolean> {
  return withAdmin(async (c) => {
    const table = await c.query('select to_regclass($1) as t', [MARKER_TABLE]);
    if (table.rows[0].t === null) return false;
    const found = await c.query<{ recipe: string }>(`select recipe from ${MARKER_TABLE}`);
    return found.rowCount === 1 && found.rows[0].recipe === marker;
  }, url);
}

type Log = (line: string) => void;

/** Makes the database `name` again from nothing with `fill`, then writes its marker (last). */
async function generate(name: string, marker: string, fill: (url: string, log: Log) => Promise<void>, log: Log): Promise<void> {
  await dropDatabase(name);
  await withAdmin((c) => c.query(`create database "${name}"`));
  const url = urlFor(name);
  const started = Date.now();
  await fill(url, log);
  await withAdmin(async (c) => {
    await c.query(`create table ${MARKER_TABLE} (recipe text not null, generated_at timestamptz not null default now())`);
    await c.query(`insert into ${MARKER_TABLE} (recipe) values ($1)`, [marker]);
  }, url);
  log(`  ${name}: generated in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

async function ensure<R extends Recipe | DemoRecipe>(
  recipe: R,
  marker: string,
  fill: (url: string, log: Log) => Promise<void>,
  options: { rebuild: boolean; log: Log },
): Promise<BenchDatabase<R>> {
  const url = urlFor(recipe.name);
  const reusable = !options.rebuild && (await exists(recipe.name)) && (await isComplete(url, marker));
  if (!reusable) await generate(recipe.name, marker, fill, options.log);
  const sizeBytes = await withAdmin(async (c) => Number((await c.query<{ size: string }>('select pg_database_size($1) as size', [recipe.name])).rows[0].size));
  return { recipe, url, sizeBytes, generated: !reusable };
}

/** The database of `recipe`, generated when missing, incomplete, of another recipe, or when `rebuild`. */
export async function ensureBenchDatabase(recipe: Recipe, options: { rebuild: boolean; log: Log }): Promise<BenchDatabase> {
  return ensure(recipe, recipeText(recipe), async (url, log) => {
    log(`  ${recipe.name}: pgbench -i -s ${recipe.scale} ...`);
    // Server-side data generation (G): the same rows as pgbench's default, made faster.
    await runCommand('pgbench', ['-i', '-q', `--scale=${recipe.scale}`, '--init-steps=dtGvp', url], `pgbench -i -s ${recipe.scale}`);
    log(`  ${recipe.name}: ${recipe.documents.toLocaleString('en')} JSON documents ...`);
    await withAdmin(async (c) => {
      await c.query('create table documents (id bigint primary key, body jsonb not null)');
      await c.query(DOCUMENTS_SQL, [recipe.documents]);
      await c.query('vacuum analyze');
    }, url);
  }, options);
}

/** The demo database of `recipe`, seeded when missing, incomplete, of another recipe, or when `rebuild`. */
export async function ensureDemoDatabase(recipe: DemoRecipe, options: { rebuild: boolean; log: Log }): Promise<BenchDatabase<DemoRecipe>> {
  return ensure(recipe, demoRecipeText(recipe), async (url, log) => {
    log(`  ${recipe.name}: the demo application, ${recipe.tenants.toLocaleString('en')} tenants at scale ${recipe.scale} ...`);
    await applySchema(url);
    await seedDemo(url, { tenants: recipe.tenants, scale: recipe.scale, asOf: DEMO_AS_OF });
    // As the pgbench databases: visibility and statistics settled, so no reader pays for them.
    await withAdmin((c) => c.query('vacuum analyze'), url);
  }, options);
}
