/**
 * The arguments every location checks the same way, before any I/O: keys, so that a key valid on
 * one location is valid, and names the same object, on all of them (a backup copied from `local`
 * to `r2` keeps its key); list prefixes; byte ranges.
 */
import { LifeboatError } from '@lifeboat/errors';
import { type ByteRange } from './storage';

/** Names starting with this are the fs driver's temporary files; keys may not use it. */
export const TEMPORARY_MARK = '.lifeboat-partial-';

const MAX_KEY_BYTES = 1024; // S3's limit
const MAX_SEGMENT_BYTES = 255; // a file name on common filesystems

/** Throws BAD_USER_INPUT unless `key` is a non-empty relative path of valid segments. */
export function validateKey(location: string, key: string): void {
  const problem = keyProblem(key);
  if (problem) throw invalid(location, 'key', key, problem);
}

/** Throws BAD_USER_INPUT unless `prefix` is `''` or the start of a valid key (a trailing `/` allowed). */
export function validatePrefix(location: string, prefix: string): void {
  if (prefix === '') return;
  const problem = keyProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  if (problem) throw invalid(location, 'prefix', prefix, problem);
}

/** Throws BAD_USER_INPUT unless `start` and `end` are non-negative integers with `start <= end`. */
export function validateRange(location: string, range: ByteRange | undefined): void {
  if (range === undefined) return;
  const { start, end } = range;
  const valid = Number.isSafeInteger(start) && start >= 0 && (end === undefined || (Number.isSafeInteger(end) && end >= start));
  if (!valid) {
    throw new LifeboatError('BAD_USER_INPUT', `location ${location}: invalid range ${JSON.stringify(range)}`, {
      details: { location },
      hint: 'a range is { start, end? } with 0 <= start <= end, both ends included',
    });
  }
}

/** The order of `list`: by the keys' UTF-8 bytes (S3's order). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key === '') return 'it is empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  if (key.startsWith('/')) return 'it starts with "/"';
  if (key.includes('\\')) return 'it contains a backslash';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'it contains a control character';
  for (const segment of key.split('/')) {
    if (segment === '') return 'it has an empty segment';
    if (segment === '.' || segment === '..') return `it has a "${segment}" segment`;
    if (segment.startsWith(TEMPORARY_MARK)) return `a segment starts with "${TEMPORARY_MARK}", reserved for temporary files`;
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  return undefined;
}

function invalid(location: string, what: string, value: string, problem: string): LifeboatError {
  return new LifeboatError('BAD_USER_INPUT', `location ${location}: invalid ${what} ${JSON.stringify(value)}: ${problem}`, {
    details: { location },
    hint: 'keys are relative paths of "/"-separated segments, without "." or ".." segments, backslashes or control characters',
  });
}
