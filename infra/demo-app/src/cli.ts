/**
 * Command line for the demo database: `node infra/demo-app/dist/src/cli.js <command> ...`.
 * Exit status 0 on success, 1 when the command fails, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { demoStats, type DemoStats } from './stats';
import { applySchema, resetSchema } from './schema';
import { seedDemo, type SeedReport } from './seed';
import { writeLoad, type WriteLoadReport } from './write-load';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5433/lifeboat_demo';

const USAGE = `usage: node infra/demo-app/dist/src/cli.js <command> [--database-url URL] [options]
(default URL: $LIFEBOAT_SOURCE_DATABASE_URL, else ${DEFAULT_DATABASE_URL})

commands:
  schema   create the demo tables and roles when missing (safe to re-run)
  seed     --tenants N [--scale S] [--seed 42] [--first-tenant 1] [--as-of YYYY-MM-DD]
           add N generated tenants (t0001...), creating the schema when missing;
           scale multiplies row counts (default 1); as-of ends the two years of
           generated history (default today, UTC)
  reset    drop every demo table and its data, then create them again
  stats    row counts per table, and how rows spread over tenants
  load     --rate R [--duration SECONDS] [--tenants t0001,t0002] [--seed 42]
           R transactions per second as demo_app until the duration ends or
           Ctrl-C (default: all active tenants)

options:
  --json   print the result as JSON`;

class UsageError extends Error {}

const OPTIONS = {
  'database-url': { type: 'string' },
  tenants: { type: 'string' },
  scale: { type: 'string' },
  seed: { type: 'string' },
  'first-tenant': { type: 'string' },
  'as-of': { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

type NumberOption = 'tenants' | 'scale' | 'seed' | 'first-tenant' | 'rate' | 'duration';

/** The option's value as a number; undefined when it is absent, so the library default applies. */
function optional(values: Values, name: NumberOption): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, not "${raw}"`);
  return n;
}

function required(values: Values, name: NumberOption): number {
  const n = optional(values, name);
  if (n === undefined) throw new UsageError(`--${name} is required`);
  return n;
}

function table(rows: [string, string | number][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`).join('\n');
}

function seedText(r: SeedReport, tenants: number): string {
  return `seeded ${tenants} tenants (${r.firstTenant}..${r.lastTenant}): ${r.totalRows.toLocaleString('en-US')} rows in ${(r.elapsedMs / 1000).toFixed(1)} s\n${table(Object.entries(r.rows))}`;
}

function statsText(s: DemoStats): string {
  const spread = s.rowsPerTenant
    ? `\nrows per tenant: smallest ${s.rowsPerTenant.smallest.rows.toLocaleString('en-US')} (${s.rowsPerTenant.smallest.tenantId}), median ${s.rowsPerTenant.median.toLocaleString('en-US')}, largest ${s.rowsPerTenant.largest.rows.toLocaleString('en-US')} (${s.rowsPerTenant.largest.tenantId})`
    : '';
  return `${table(Object.entries(s.tables))}\ntenants: ${s.tenants.total} (${s.tenants.active} active, ${s.tenants.inactive} inactive)${spread}`;
}

function loadText(r: WriteLoadReport): string {
  const rows = (['inserted', 'updated', 'deleted'] as const).flatMap((what) => Object.entries(r[what]).map(([t, n]): [string, number] => [`${what} ${t}`, n]));
  const seconds = r.elapsedMs / 1000;
  return `${r.transactions} transactions in ${seconds.toFixed(1)} s (${(r.transactions / Math.max(seconds, 0.001)).toFixed(1)}/s)\n${table(rows)}`;
}

async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  // Default: the protected database Lifeboat is configured with, else npm start's demo database.
  const url = values['database-url'] ?? process.env.LIFEBOAT_SOURCE_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (!command) throw new UsageError('a command is required');
  const print = (result: unknown, text: string) => console.log(values.json ? JSON.stringify(result, null, 2) : text);

  switch (command) {
    case 'schema':
      await applySchema(url);
      print({ applied: true }, 'schema applied');
      return;
    case 'reset':
      await resetSchema(url);
      print({ reset: true }, 'schema reset: every demo table is empty');
      return;
    case 'seed': {
      const asOf = values['as-of'] === undefined ? undefined : new Date(values['as-of']);
      if (asOf && Number.isNaN(asOf.getTime())) throw new UsageError(`--as-of must be a date, not "${values['as-of']}"`);
      const tenants = required(values, 'tenants');
      const report = await seedDemo(url, { tenants, scale: optional(values, 'scale'), seed: optional(values, 'seed'), firstTenant: optional(values, 'first-tenant'), asOf });
      print(report, seedText(report, tenants));
      return;
    }
    case 'stats': {
      const stats = await demoStats(url);
      print(stats, statsText(stats));
      return;
    }
    case 'load': {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const seconds = optional(values, 'duration');
      const report = await writeLoad(url, {
        ratePerSecond: required(values, 'rate'),
        durationMs: seconds === undefined ? undefined : seconds * 1000,
        signal: controller.signal,
        seed: optional(values, 'seed'),
        tenants: values.tenants?.split(',').map((t) => t.trim()).filter(Boolean),
      });
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      print(report, loadText(report));
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  }
}

run(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
    console.error(`${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(err instanceof Error ? `error: ${err.message}` : err);
    process.exitCode = 1;
  }
});
