/** A NATS namespace per test file, so parallel tests never see each other's subjects or streams. */
import { randomBytes } from 'node:crypto';
import { connect } from 'nats';

export const NATS_URL = process.env.LIFEBOAT_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export function uniqueNamespace(prefix = 't'): string {
  return `${prefix}${randomBytes(4).toString('hex')}`.toLowerCase();
}

/** Deletes the streams of a namespace (and their consumers). */
export async function deleteNamespace(namespace: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await nc.jetstreamManager();
    const prefix = `${namespace.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`;
    for await (const stream of jsm.streams.list()) {
      if (stream.config.name.startsWith(prefix)) await jsm.streams.delete(stream.config.name);
    }
  } finally {
    await nc.close();
  }
}
