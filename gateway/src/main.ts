import { isLifeboatError } from '@lifeboat/errors';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  const gateway = await startGateway(process.env);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`gateway: ${signal}, stopping\n`);
    setTimeout(() => process.exit(1), 10_000).unref();
    gateway.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const text = isLifeboatError(err) ? `${err.code}: ${err.describe()}` : ((err as Error).stack ?? String(err));
  process.stderr.write(`gateway: cannot start: ${text}\n`);
  process.exit(1);
});
