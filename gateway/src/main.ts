import { isLifeboatError } from '@lifeboat/errors';
import { stopOnSignals } from '@lifeboat/supervisor';
import { startGateway } from './gateway';

async function main(): Promise<void> {
  const gateway = await startGateway(process.env);
  stopOnSignals('gateway', () => gateway.stop());
}

main().catch((err: unknown) => {
  const text = isLifeboatError(err) ? `${err.code}: ${err.describe()}` : ((err as Error).stack ?? String(err));
  process.stderr.write(`gateway: cannot start: ${text}\n`);
  process.exit(1);
});
