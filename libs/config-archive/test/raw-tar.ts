/**
 * Hand-made tar archives for the tests, hostile ones included: headers are encoded with node-tar's
 * `Header`, which writes whatever path, type and link it is given (only its `Pack` sanitizes).
 */
import { Header, type HeaderData } from 'tar';

export interface RawEntry {
  path: string;
  type: NonNullable<HeaderData['type']>;
  linkpath?: string;
  body?: string;
  mode?: number;
}

const BLOCK = 512;

/** The tar of `entries`, closed by two zero blocks unless `end` is false. */
export function rawTar(entries: readonly RawEntry[], { end = true }: { end?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const block = Buffer.alloc(BLOCK);
    new Header({
      path: entry.path,
      type: entry.type,
      linkpath: entry.linkpath,
      mode: entry.mode ?? (entry.type === 'Directory' ? 0o755 : 0o644),
      size: body.length,
      mtime: new Date('2025-01-02T03:04:05Z'),
      devmaj: 0,
      devmin: 0,
    }).encode(block);
    blocks.push(block, body, Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK));
  }
  if (end) blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}
