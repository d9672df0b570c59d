/**
 * The command line every benchmark shares: its common options (`--rounds N`, `--rebuild`,
 * `--json`, `--out FILE`, `--env NAME=VALUE ...`, `--help`) beside its own, the raw results
 * written as JSON, and the run itself: cleaned up however it ends, with the exit status the
 * benchmarks document (0 every bar met, 3 a bar missed, 1 a run failed, 2 bad usage).
 */
import { writeFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { cleanUp, cleanUpOnSignals } from './cleanup';

export interface BenchOptions {
  rounds: number;
  rebuild: boolean;
  json: boolean;
  out?: string;
  /** Extra settings for every Lifeboat process. */
  env: Record<string, string>;
}

/** A benchmark's own option values, as node:util's parseArgs gives them. */
export type ExtraValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

const COMMON: NonNullable<ParseArgsConfig['options']> = {
  rounds: { type: 'string', default: '3' },
  rebuild: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  env: { type: 'string', multiple: true, default: [] },
  help: { type: 'boolean', default: false },
};

/** Prints `text` (with `problem` first, on stderr) and exits: 0 when asked for, 2 on bad usage. */
export function usage(text: string, problem?: string): never {
  if (problem) console.error(`${problem}\n${text}`);
  else console.log(text);
  process.exit(problem ? 2 : 0);
}

/**
 * The common options and the values of the benchmark's own (`extra`, in parseArgs' terms);
 * `--help` prints `usageText` and exits, a bad option prints it and exits with status 2.
 */
export function parseBenchArgs(argv: string[], usageText: string, extra: ParseArgsConfig['options'] = {}): { options: BenchOptions; extra: ExtraValues } {
  let values: ExtraValues;
  try {
    values = parseArgs({ args: argv, options: { ...COMMON, ...extra } }).values;
  } catch (err) {
    return usage(usageText, (err as Error).message);
  }
  if (values.help) usage(usageText);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) usage(usageText, `--rounds must be a positive integer, got ${String(values.rounds)}`);
  const env: Record<string, string> = {};
  for (const entry of values.env as string[]) {
    const at = entry.indexOf('=');
    if (at < 1) usage(usageText, `--env takes NAME=VALUE, got ${entry}`);
    env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  const options = { rounds, rebuild: values.rebuild as boolean, json: values.json as boolean, out: values.out as string | undefined, env };
  const own = Object.fromEntries(Object.keys(extra).map((name) => [name, values[name]]));
  return { options, extra: own };
}

/** The raw results: into `--out FILE`, or as JSON on the last line with `--json`. */
export function emitResults(options: BenchOptions, results: unknown): void {
  if (options.out) writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  else if (options.json) console.log(JSON.stringify(results));
}

/**
 * Runs a benchmark's `main` (which resolves with the exit status) and exits with it, after
 * undoing whatever is still registered for cleanup; a failure prints its reason and exits with 1.
 * Ctrl-C and SIGTERM clean up too (see cleanUpOnSignals).
 */
export function runBenchmark(main: () => Promise<number>): void {
  cleanUpOnSignals();
  main().then(
    async (code) => {
      await cleanUp();
      process.exit(code);
    },
    async (err: unknown) => {
      console.error(`\nbench failed: ${err instanceof Error ? err.message : String(err)}`);
      await cleanUp();
      process.exit(1);
    },
  );
}
