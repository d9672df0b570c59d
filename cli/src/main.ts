#!/usr/bin/env node
/**
 * The `lifeboat` command line: finds the command the arguments name and runs it. Exit codes: 0
 * success, 1 failure (`lifeboat: CODE: message` on stderr), 2 bad arguments. Every command
 * answers `--help`.
 */
import { UsageError, type Command, type Context } from './command';
import { backupFull, backupVerify } from './commands/backup.command';
import { backupsList } from './commands/backups.command';
import { catalogRebuild } from './commands/catalog.command';
import { configList, configRestore } from './commands/config.command';
import { decrypt } from './commands/decrypt.command';
import { inspect } from './commands/inspect.command';
import { login } from './commands/login.command';
import { restore } from './commands/restore.command';
import { version } from './commands/version.command';
import { walFetch, walPush } from './commands/wal.command';
import { EXIT_USAGE, reportFailure } from './failure';

const COMMANDS: readonly Command[] = [login, backupFull, backupVerify, backupsList, restore, configList, configRestore, decrypt, inspect, catalogRebuild, walPush, walFetch, version];

function listing(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
}

const OVERVIEW = `lifeboat: backup and disaster recovery for multi-tenant PostgreSQL

Usage: lifeboat <command> [options]

Commands:
${listing(COMMANDS)}

Environment:
  LIFEBOAT_URL           the gateway's GraphQL endpoint (default http://127.0.0.1:4000/graphql)
  LIFEBOAT_TOKEN         login or API token; when set, the saved token is not read
  LIFEBOAT_CONFIG_DIR    where login saves the token (default ~/.config/lifeboat)
  LIFEBOAT_MASTER_KEYS   master keys for decrypt when there is no --key-file

Run 'lifeboat <command> --help' for a command's options.
`;

/** `--help` or `-h` anywhere before a `--`. */
function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

async function main(argv: string[], context: Context): Promise<number> {
  const [first] = argv;
  if (first === undefined) {
    context.stderr.write(OVERVIEW);
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    context.stdout.write(OVERVIEW);
    return 0;
  }
  const words = first === '--version' ? ['version'] : argv;
  const command = COMMANDS.find((c) => c.name.split(' ').every((word, i) => words[i] === word));
  if (command === undefined) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `));
    if (group.length > 0 && wantsHelp(argv.slice(1))) {
      context.stdout.write(`Commands:\n${listing(group)}\n\nRun 'lifeboat <command> --help' for a command's options.\n`);
      return 0;
    }
    const problem =
      group.length > 0
        ? `"lifeboat ${first}" needs one of: ${group.map((c) => c.name.split(' ')[1]).join(', ')}`
        : `unknown command "${first}"`;
    return reportFailure(new UsageError(problem), context.stderr);
  }
  const args = argv.slice(command.name.split(' ').length);
  if (wantsHelp(args)) {
    context.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return (await command.run(args, context)) ?? 0;
  } catch (err) {
    return reportFailure(err, context.stderr, command);
  }
}

void main(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
