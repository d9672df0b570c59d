/**
 * Reading a tar stream entry by entry with node-tar's `Parser`, for listing and for extraction.
 *
 * Every parser warning fails the read (RESTORE_FAILED): a header whose checksum does not match, an
 * entry cut short, input that is not a tar. node-tar only warns about these and skips the entry,
 * which would let a damaged archive restore silently incomplete. An archive must also end with the
 * two zero blocks that close a tar, so one cut exactly between two entries is caught too. Entries of
 * types node-tar does not know are reported (as `unsupported`), not skipped.
 */
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { type EntryType } from './collect';

/** One entry of a tar archive, as `listArchive` returns it. */
export interface ArchiveEntry {
  /** As stored in the archive (pax path when there is one), a directory's trailing `/` removed. */
  path: string;
  type: EntryType | 'hardlink' | 'character-device' | 'block-device' | 'fifo' | 'unsupported';
  size: number;
  /** Permission bits as stored, including setuid, setgid and sticky. */
  mode: number;
  /** ISO 8601; the epoch when the header has none. */
  mtime: string;
  /** The target of a symbolic or hard link. */
  linkTarget?: string;
}

const TYPES: Record<string, ArchiveEntry['type'] | undefined> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
  CharacterDevice: 'character-device',
  BlockDevice: 'block-device',
  FIFO: 'fifo',
};

function describeEntry(entry: ReadEntry): ArchiveEntry {
  const type = TYPES[entry.type] ?? 'unsupported';
  return {
    path: type === 'directory' && entry.path.endsWith('/') ? entry.path.slice(0, -1) : entry.path,
    type,
    size: entry.size,
    mode: entry.mode ?? 0,
    mtime: (entry.mtime ?? new Date(0)).toISOString(),
    ...(entry.linkpath === undefined ? {} : { linkTarget: entry.linkpath }),
  };
}

const unreadable = (why: string, cause?: unknown): LifeboatError =>
  new LifeboatError('RESTORE_FAILED', `the configuration archive cannot be read: ${why}`, {
    cause,
    hint: 'the archive is damaged or is not a tar file; restore from another copy or an older backup',
  });

/**
 * Feeds `source` to the parser and awaits `onEntry` for each entry, in archive order, one at a
 * time. `onEntry` must consume the entry's `data` (pipe it, or `resume()` it to discard): the parser
 * waits for that before it reads on, which is what keeps memory constant. A rejection from
 * `onEntry` stops the read and is what `readTar` rejects with.
 */
export async function readTar(source: Readable, onEntry: (entry: ArchiveEntry, data: ReadEntry) => Promise<void>): Promise<void> {
  let entries = 0;
  let sawEnd = false;
  let failed = false;
  let work = Promise.resolve();
  const fail = (err: unknown): void => {
    if (failed) return;
    failed = true;
    sink.destroy(err instanceof LifeboatError ? err : unreadable(messageOf(err), err));
  };
  const parser = new Parser({
    onwarn: (code, message) => {
      // Node-tar calls a tar of nothing but its two zero blocks "unrecognized"; it is an empty archive.
      if (!(sawEnd && entries === 0)) fail(unreadable(`${code}: ${message}`));
    },
  });
  const take = (entry: ReadEntry): void => {
    entries++;
    work = work.then(() => onEntry(describeEntry(entry), entry));
    work.catch(fail);
  };
  parser.on('entry', take);
  parser.on('ignoredEntry', take);
  parser.on('eof', () => {
    sawEnd = true;
  });
  parser.on('error', fail);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      // After the end-of-archive blocks, the rest (tar(1)'s record padding) is not parsed, as tar(1) does.
      if (sawEnd || parser.write(chunk)) done();
      else parser.once('drain', () => done());
    },
    final(done) {
      parser.once('end', () => {
        if (failed) return;
        work.then(() => done(sawEnd ? null : unreadable('it ends without the two zero blocks that close a tar archive (cut short?)')), done);
      });
      parser.end();
    },
  });
  try {
    await pipeline(source, sink);
  } catch (err) {
    throw err instanceof LifeboatError ? err : unreadable(messageOf(err), err);
  }
}
