/**
 * How a supervised process ends: on SIGINT or SIGTERM, and, when a Supervisor started it, when the
 * supervisor itself is gone (its end of our stdin pipe closes, even if it was killed outright),
 * so that a crashed `npm start` or test run never leaves services running on their own.
 */

/** Set by the Supervisor in its children's environment. */
export const SUPERVISED_VARIABLE = 'LIFEBOAT_SUPERVISED';

export function stopOnSignals(name: string, stop: () => Promise<void>, graceMs = 10_000): void {
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${name}: ${reason}, stopping\n`);
    setTimeout(() => process.exit(1), graceMs).unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  if (process.env[SUPERVISED_VARIABLE] === '1' && !process.stdin.isTTY) {
    process.stdin.on('data', () => undefined);
    process.stdin.once('end', () => shutdown('the supervisor is gone'));
    process.stdin.once('error', () => shutdown('the supervisor is gone'));
  }
}
