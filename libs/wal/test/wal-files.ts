/**
 * WAL files for the tests: synthetic segments that carry a real long page header (at the smallest
 * segment size PostgreSQL allows, so that the tests stay fast), and stored copies made the way the
 * shipper makes them.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressStream, createEncryptStream, type Keyring } from '@lifeboat/artifact';
import type { Storage } from '@lifeboat/storage';
import { walKey } from '../src/index';

export const SEGMENT_SIZE = 1024 * 1024;
export const SYSTEM_ID = '7312345678901234567';

/** A segment `name` of `systemId` as PostgreSQL 15 writes one: the long page header, then bytes. */
export function syntheticSegment(name: string, systemId = SYSTEM_ID, segmentSize = SEGMENT_SIZE): Buffer {
  const bytes = randomBytes(segmentSize);
  const log = BigInt(parseInt(name.slice(8, 16), 16));
  const seg = BigInt(parseInt(name.slice(16, 24), 16));
  bytes.writeUInt16LE(0xd110, 0); // xlp_magic
  bytes.writeUInt16LE(0x0006, 2); // xlp_info: XLP_LONG_HEADER | XLP_BKP_REMOVABLE
  bytes.writeUInt32LE(parseInt(name.slice(0, 8), 16), 4); // xlp_tli
  bytes.writeBigUInt64LE(log * 2n ** 32n + seg * BigInt(segmentSize), 8); // xlp_pageaddr
  bytes.writeUInt32LE(0, 16); // xlp_rem_len
  bytes.writeUInt32LE(0, 20); // padding
  bytes.writeBigUInt64LE(BigInt(systemId), 24); // xlp_sysid
  bytes.writeUInt32LE(segmentSize, 32); // xlp_seg_size
  bytes.writeUInt32LE(8192, 36); // xlp_xlog_blcksz
  return bytes;
}

/** What the shipper stores for a WAL file: gzip level 1 on this thread, encrypted, at its WAL
 *  key in each location. Returns the stored artifact. */
export async function storeSegment(locations: Storage[], keyring: Keyring, systemId: string, name: string, bytes: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(Readable.from([bytes]), createCompressStream({ level: 1, workers: 0 }), createEncryptStream(keyring), async function (source: AsyncIterable<Buffer>) {
    for await (const chunk of source) chunks.push(chunk);
  });
  const artifact = Buffer.concat(chunks);
  for (const location of locations) await location.save(walKey(systemId, name), () => Readable.from([artifact]), { contentLength: artifact.length });
  return artifact;
}

/** A new temporary directory that the postgres user can traverse (mkdtemp makes it 0700). */
export async function traversableTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}
