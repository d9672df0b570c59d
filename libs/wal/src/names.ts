/**
 * The files PostgreSQL archives, by name, and where each goes in a WAL location. The names are
 * PostgreSQL's own (upper-case hex, as archive_command's %f and restore_command's %f give them):
 *
 *   000000010000000A000000FE            a WAL segment: timeline, then the segment number as two
 *                                       8-digit halves ("log" and "seg")
 *   000000010000000A000000FE.partial    the last, incomplete segment of a timeline a promotion ended
 *   00000002.history                    a timeline history file
 *   000000010000000A000000FE.00000028.backup   a backup history file (a base backup's start and end)
 *
 * Anything else is refused (BAD_USER_INPUT): a name is about to become a path and a storage key.
 */
import { LifeboatError } from '@lifeboat/errors';

export type WalFileKind = 'segment' | 'partial' | 'history' | 'backup-history';

export interface WalFileName {
  name: string;
  kind: WalFileKind;
  timeline: number;
}

export interface SegmentInfo {
  kind: WalFileKind;
  timeline: number;
  /** The first LSN the file holds (`X/Y` hex); segments and partial segments only. */
  startLsn?: string;
  /** The LSN just past the file's end, i.e. the next segment's start; segments and partial
   *  segments only (a partial segment holds less, up to the promotion). */
  endLsn?: string;
}

export const DEFAULT_SEGMENT_SIZE = 16 * 1024 * 1024;
const MIN_SEGMENT_SIZE = 1024 * 1024;
const MAX_SEGMENT_SIZE = 1024 * 1024 * 1024;
const LOG_ID_SPAN = 2n ** 32n;
const MAX_SYSTEM_ID = 2n ** 64n - 1n;

const PATTERNS: readonly [WalFileKind, RegExp][] = [
  ['segment', /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})$/],
  ['partial', /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})\.partial$/],
  ['history', /^([0-9A-F]{8})\.history$/],
  ['backup-history', /^([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})\.[0-9A-F]{8}\.backup$/],
];

/** What kind of WAL file `name` is, and its timeline; BAD_USER_INPUT for anything else. */
export function parseWalFileName(name: string): WalFileName {
  for (const [kind, pattern] of PATTERNS) {
    const match = pattern.exec(name);
    if (match === null) continue;
    const timeline = parseInt(match[1], 16);
    if (timeline === 0) break;
    return { name, kind, timeline };
  }
  throw new LifeboatError('BAD_USER_INPUT', `${JSON.stringify(name)} is not the name of a WAL file PostgreSQL archives`, {
    hint: 'expected a segment (24 upper-case hex digits), a .partial segment, a timeline history file (00000002.history) or a backup history file (<segment>.<offset>.backup)',
  });
}

/** Whether files of this kind start with a WAL page header (and so carry a system identifier). */
export function hasSegmentHeader(kind: WalFileKind): boolean {
  return kind === 'segment' || kind === 'partial';
}

/**
 * The timeline and, for a segment or partial segment, the LSN range it covers. Segment `seg` of
 * log `log` starts at `log * 2^32 + seg * segmentSize`. BAD_USER_INPUT for a name that is not a
 * WAL file, or whose seg part is beyond the last segment of a log at this segment size.
 */
export function segmentInfo(name: string, segmentSize = DEFAULT_SEGMENT_SIZE): SegmentInfo {
  const { kind, timeline } = parseWalFileName(name);
  if (!hasSegmentHeader(kind)) return { kind, timeline };
  checkSegmentSize(segmentSize);
  const log = BigInt(parseInt(name.slice(8, 16), 16));
  const seg = BigInt(parseInt(name.slice(16, 24), 16));
  const size = BigInt(segmentSize);
  if (seg >= LOG_ID_SPAN / size) {
    throw new LifeboatError('BAD_USER_INPUT', `${name} is not a segment name at a segment size of ${segmentSize} bytes (its last 8 digits go up to ${(LOG_ID_SPAN / size - 1n).toString(16).toUpperCase()})`);
  }
  const start = log * LOG_ID_SPAN + seg * size;
  return { kind, timeline, startLsn: formatLsn(start), endLsn: formatLsn(start + size) };
}

/** An LSN as PostgreSQL prints it: `X/Y`, both halves upper-case hex without leading zeros. */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** Throws BAD_USER_INPUT unless `systemId` is a database system identifier: a non-zero unsigned
 *  64-bit integer in decimal, as pg_controldata prints it. */
export function checkSystemId(systemId: string): string {
  if (!/^[1-9][0-9]{0,19}$/.test(systemId) || BigInt(systemId) > MAX_SYSTEM_ID) {
    throw new LifeboatError('BAD_USER_INPUT', `${JSON.stringify(systemId)} is not a database system identifier`, {
      hint: 'use the "Database system identifier" that pg_controldata prints for the cluster (decimal digits)',
    });
  }
  return systemId;
}

/**
 * The storage key of an archived WAL file, the same in every WAL location:
 * `wal/<systemId>/<name>.gz.enc` (gzip, then the artifact encryption). The system identifier keeps
 * apart the archives of different clusters sharing a bucket.
 */
export function walKey(systemId: string, name: string): string {
  checkSystemId(systemId);
  parseWalFileName(name);
  return `wal/${systemId}/${name}.gz.enc`;
}

/** Throws BAD_USER_INPUT unless `segmentSize` is a size PostgreSQL allows (initdb --wal-segsize). */
export function checkSegmentSize(segmentSize: number): void {
  const powerOfTwo = Number.isInteger(segmentSize) && segmentSize > 0 && (segmentSize & (segmentSize - 1)) === 0;
  if (!powerOfTwo || segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
    throw new LifeboatError('BAD_USER_INPUT', `a WAL segment size is a power of two from 1 MiB to 1 GiB, got ${segmentSize}`);
  }
}

/** The name of the segment of `timeline` that holds `lsn` (`X/Y`), at this segment size. */
export function segmentNameOf(timeline: number, lsn: string, segmentSize = DEFAULT_SEGMENT_SIZE): string {
  checkSegmentSize(segmentSize);
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!match || !Number.isInteger(timeline) || timeline < 1 || timeline > 0xffffffff) {
    throw new LifeboatError('BAD_USER_INPUT', `timeline ${timeline}, LSN ${JSON.stringify(lsn)}: not a WAL position`);
  }
  const position = (BigInt(parseInt(match[1], 16)) << 32n) + BigInt(parseInt(match[2], 16));
  const perLog = LOG_ID_SPAN / BigInt(segmentSize);
  const segment = position / BigInt(segmentSize);
  const hex = (n: bigint | number) => n.toString(16).toUpperCase().padStart(8, '0');
  return `${hex(timeline)}${hex(segment / perLog)}${hex(segment % perLog)}`;
}

/**
 * Whether a base backup that starts in segment `startSegment` can never need the archived file
 * `name`: a segment, partial segment or backup history file of an earlier timeline, or of the same
 * timeline before the start. Timeline history files are always needed (they are tiny), and so is
 * anything of a later timeline, which may have branched off before the start.
 */
export function precedesBaseBackup(name: string, startSegment: string): boolean {
  const { kind } = parseWalFileName(name);
  if (kind === 'history') return false;
  return name.slice(0, 24) < startSegment;
}
