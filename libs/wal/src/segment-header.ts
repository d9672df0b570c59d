/**
 * The long page header at the start of every WAL segment (PostgreSQL's XLogLongPageHeaderData),
 * which says which database system wrote the segment. Layout, in the server's byte order
 * (little-endian on the x86-64 and arm64 machines Lifeboat runs on):
 *
 *   offset  0  uint16  xlp_magic         WAL format version (0xD110 for PostgreSQL 15)
 *   offset  2  uint16  xlp_info          flags; XLP_LONG_HEADER (0x0002) on a segment's first page
 *   offset  4  uint32  xlp_tli           timeline of the page
 *   offset  8  uint64  xlp_pageaddr      LSN of the page: the segment's start LSN
 *   offset 16  uint32  xlp_rem_len       bytes of a record continued from the previous page
 *   offset 20          (4 bytes of alignment padding)
 *   offset 24  uint64  xlp_sysid         database system identifier (pg_controldata's)
 *   offset 32  uint32  xlp_seg_size      segment size in bytes
 *   offset 36  uint32  xlp_xlog_blcksz   WAL page size in bytes
 *
 * Checked against segments written by PostgreSQL 15 on this machine: the system identifier
 * matches pg_controldata's "Database system identifier", the page address the name's start LSN.
 */
import { open } from 'node:fs/promises';
import { LifeboatError } from '@lifeboat/errors';
import { checkSegmentSize } from './names';

export const SEGMENT_HEADER_BYTES = 40;
const XLP_LONG_HEADER = 0x0002;

export interface SegmentHeader {
  magic: number;
  info: number;
  timeline: number;
  /** The LSN of the segment's first page. */
  pageAddress: bigint;
  /** The database system identifier, in decimal. */
  systemId: string;
  segmentSize: number;
  blockSize: number;
}

/** Parses the first bytes of a segment. BAD_USER_INPUT when they are too few, or are not a
 *  segment's first page (no long header flag, an impossible segment size). */
export function parseSegmentHeader(bytes: Uint8Array, what = 'the file'): SegmentHeader {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < SEGMENT_HEADER_BYTES) {
    throw new LifeboatError('BAD_USER_INPUT', `${what} is not a WAL segment: it is shorter than a segment's page header (${buffer.length} bytes)`);
  }
  const header: SegmentHeader = {
    magic: buffer.readUInt16LE(0),
    info: buffer.readUInt16LE(2),
    timeline: buffer.readUInt32LE(4),
    pageAddress: buffer.readBigUInt64LE(8),
    systemId: buffer.readBigUInt64LE(24).toString(),
    segmentSize: buffer.readUInt32LE(32),
    blockSize: buffer.readUInt32LE(36),
  };
  if ((header.info & XLP_LONG_HEADER) === 0) {
    throw new LifeboatError('BAD_USER_INPUT', `${what} is not a WAL segment: its first page lacks the long header flag (xlp_info 0x${header.info.toString(16)})`);
  }
  try {
    checkSegmentSize(header.segmentSize);
  } catch {
    throw new LifeboatError('BAD_USER_INPUT', `${what} is not a WAL segment: its header gives an impossible segment size (${header.segmentSize})`);
  }
  return header;
}

/** Reads and parses the header of the segment file at `path`. */
export async function readSegmentHeader(path: string): Promise<SegmentHeader> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(SEGMENT_HEADER_BYTES), 0, SEGMENT_HEADER_BYTES, 0);
    return parseSegmentHeader(buffer.subarray(0, bytesRead), path);
  } finally {
    await handle.close();
  }
}
