/**
 * What every command is: the words that select it, its help, and a run function. A command throws
 * to fail (a UsageError for bad arguments, a LifeboatError or GatewayError otherwise); the
 * dispatcher in main.ts turns that into the exit code and the message on stderr.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { messageOf } from '@lifeboat/errors';

/** The environment and standard streams a command works with, given to it by main.ts. */
export interface Context {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

export interface Command {
  /** The words that select the command: `backup full`. */
  readonly name: string;
  /** One line for `lifeboat --help`. */
  readonly summary: string;
  /** The text of `--help`; its first line is the synopsis repeated after a usage error. */
  readonly help: string;
  /**
   * Runs with the arguments after the command's words. Throws to fail; resolves when it
   * succeeded, or to an exit code of its own (a child process's, passed through).
   */
  run(args: string[], context: Context): Promise<number | void>;
}

/** Bad arguments: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * `util.parseArgs`, strict, with `--no-<flag>` for boolean flags; any complaint becomes a
 * UsageError. `positionals` is how many positional arguments the command takes.
 */
export function parseOptions<const T extends Pick<ParseArgsConfig, 'options'>>(
  args: string[],
  config: T,
  positionals = 0,
): ReturnType<typeof parseArgs<T & { args: string[]; allowPositionals: true; allowNegative: true; strict: true }>> {
  let parsed;
  try {
    parsed = parseArgs({ ...config, args, allowPositionals: true, allowNegative: true, strict: true as const });
  } catch (err) {
    // parseArgs goes on to explain `--` for positionals that start with a dash: noise here.
    throw new UsageError(messageOf(err).split('. To specify a positional argument')[0]);
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`);
  }
  return parsed;
}

/** An integer option of at least `min`, or undefined when absent. */
export function integerOption(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${name} must be an integer of at least ${min}, got "${value}"`);
  return Number(value);
}

/** A value of a vocabulary (`--type FULL_DATABASE`), or undefined when absent. */
export function oneOf<T extends string>(name: string, value: string | undefined, vocabulary: { readonly [K in T]: K }): T | undefined {
  if (value === undefined) return undefined;
  const allowed = Object.keys(vocabulary);
  if (!allowed.includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}
