/** SHA-256 of a stream, read to the end in constant memory. */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

export async function sha256Of(stream: Readable): Promise<{ checksum: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { checksum: hash.digest('hex'), sizeBytes };
}
