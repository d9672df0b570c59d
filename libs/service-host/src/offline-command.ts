/**
 * The host of a service's offline commands (break-glass work such as rebuilding its catalog):
 * they need the service's database and nothing else running — no NATS, no other service. It
 * reads the metadata database from the environment, migrates the service's schema, runs the
 * command, and turns errors into a one-line message and an exit code (0 ok, 1 failed, 2 usage).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { commonOptions, loadConfig } from '@lifeboat/config';
import { type MikroORM, openDatabase } from '@lifeboat/db';
import { isLifeboatError, messageOf } from '@lifeboat/errors';
import type { ServiceDefinition } from './service';

export interface OfflineCommandContext {
  orm: MikroORM;
  env: Record<string, string | undefined>;
  values: Record<string, string | boolean | undefined>;
  /** One line for people, or nothing when --json (then `json` prints the result). */
  say(line: string): void;
  json: boolean;
}

export interface OfflineCommand {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(ctx: OfflineCommandContext): Promise<number>;
}

export async function runOfflineCommand(def: Pick<ServiceDefinition<never, never>, 'name' | 'schema' | 'entities' | 'migrations'>, command: OfflineCommand): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ options: { ...command.options, json: { type: 'boolean' }, help: { type: 'boolean' } }, allowPositionals: false }).values;
  } catch (err) {
    process.stderr.write(`${messageOf(err)}\n${command.usage}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${command.usage}\n`);
    process.exit(0);
  }
  const json = values.json === true;
  let orm: MikroORM | undefined;
  try {
    const { LIFEBOAT_DATABASE_URL } = loadConfig({ LIFEBOAT_DATABASE_URL: commonOptions.LIFEBOAT_DATABASE_URL });
    orm = await openDatabase({ url: LIFEBOAT_DATABASE_URL, schema: def.schema, entities: def.entities, migrations: def.migrations });
    const code = await command.run({ orm, env: process.env, values, json, say: (line) => void (json || process.stdout.write(`${line}\n`)) });
    await orm.close(true);
    process.exit(code);
  } catch (err) {
    await orm?.close(true).catch(() => undefined);
    const text = isLifeboatError(err) ? `${err.code}: ${err.describe()}` : messageOf(err);
    process.stderr.write(`${def.name}: ${text}\n`);
    process.exit(1);
  }
}
