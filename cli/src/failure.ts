/**
 * How a failed command ends: exit code 2 and the synopsis for bad arguments; exit code 1 for
 * everything else, with one `lifeboat: CODE: message` line and the `HINT:` lines on stderr. The
 * code is the registry's (libs/errors) or the gateway's `extensions.code`; scripts match on it.
 */
import { isLifeboatError, messageOf } from '@lifeboat/errors';
import { UsageError, type Command } from './command';
import { GatewayError } from './gateway-client';

const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Writes the report for `err` and returns the exit code. `command` is the one that failed, when known. */
export function reportFailure(err: unknown, stderr: NodeJS.WritableStream, command?: Command): number {
  if (err instanceof UsageError) {
    stderr.write(`lifeboat: ${err.message}\n`);
    const synopsis = command ? command.help.split('\n')[0] : 'Usage: lifeboat <command> [options]';
    stderr.write(`${synopsis}\nRun 'lifeboat ${command ? `${command.name} ` : ''}--help' for more.\n`);
    return EXIT_USAGE;
  }
  const { code, message, hint } =
    isLifeboatError(err) || err instanceof GatewayError ? err : { code: 'INTERNAL', message: messageOf(err), hint: undefined };
  stderr.write(`lifeboat: ${code}: ${message}\n`);
  if (hint) stderr.write(hint.split('\n').map((line) => `HINT: ${line}\n`).join(''));
  return EXIT_FAILURE;
}
