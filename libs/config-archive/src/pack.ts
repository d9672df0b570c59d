/**
 * The configuration archive as a stream: an uncompressed POSIX tar (ustar headers, with a pax
 * extended header before any entry whose path or link target does not fit ustar) holding exactly
 * the entries of a collection, in its order, with the mode and modification time recorded there.
 * The backup-executor compresses, encrypts and hashes it like any other artifact source.
 *
 * Headers are encoded with node-tar's `Header` and `Pax`, not its `Pack`: Pack stats every path
 * again, writes a second name of a hard-linked file as a hard-link entry (which `extractArchive`
 * refuses), and either records owner, atime, ctime, device and inode or, with `portable`, rewrites
 * modes and drops directory mtimes. Writing the collection's own metadata keeps the archive and the
 * manifest's file list in agreement. No owner is recorded: `tar -tv` shows 0/0.
 *
 * File bytes are read a second time here, after `collectConfiguration` hashed them. A file
 * rewritten in between at the same size is archived with bytes that do not match its recorded
 * SHA-256; that is accepted, not solved. A file whose size changed fails the stream with
 * BACKUP_FAILED, because its header has already promised the collected size.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Header, type HeaderData, Pax } from 'tar';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { type CollectedFile, type Collection } from './collect';
import { refuseUnsafeEntries } from './entry-rules';

const BLOCK = 512;
const READ_SIZE = 64 * 1024;
const TAR_TYPE = { file: 'File', directory: 'Directory', symlink: 'SymbolicLink' } as const;

function headerOf(file: CollectedFile): Buffer {
  const fields: HeaderData = {
    path: file.type === 'directory' ? `${file.path}/` : file.path,
    type: TAR_TYPE[file.type],
    mode: file.mode,
    size: file.type === 'file' ? file.size : 0,
    mtime: new Date(file.mtime),
    linkpath: file.linkTarget,
  };
  const block = Buffer.alloc(BLOCK);
  const needsPax = new Header(fields).encode(block);
  return needsPax ? Buffer.concat([new Pax(fields).encode(), block]) : block;
}

async function* contentOf(root: string, file: CollectedFile): AsyncGenerator<Buffer> {
  const failed = (why: string, cause?: unknown): LifeboatError =>
    new LifeboatError('BACKUP_FAILED', `${JSON.stringify(file.path)} under ${root} ${why}`, { cause, details: { path: file.path } });
  // O_NOFOLLOW: a file replaced by a link since it was collected fails rather than being read through.
  const handle = await open(path.join(root, file.path), constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: unknown) => {
    throw failed(`cannot be opened since it was collected: ${messageOf(err)}`, err);
  });
  const read = (buffer: Buffer): Promise<number> =>
    handle.read(buffer, 0, buffer.length, null).then(
      (r) => r.bytesRead,
      (err: unknown) => {
        throw failed(`cannot be read: ${messageOf(err)}`, err);
      },
    );
  try {
    for (let left = file.size; left > 0; ) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_SIZE, left));
      const n = await read(chunk);
      if (n === 0) throw failed(`shrank below the ${file.size} bytes collected`);
      left -= n;
      yield chunk.subarray(0, n);
    }
    if ((await read(Buffer.alloc(1))) > 0) throw failed(`grew beyond the ${file.size} bytes collected`);
  } finally {
    await handle.close();
  }
  const padding = (BLOCK - (file.size % BLOCK)) % BLOCK;
  if (padding) yield Buffer.alloc(padding);
}

/**
 * The tar of `collection`, read from under `root`, in constant memory (one 64 KiB read at a time).
 * Throws UNSAFE_ARCHIVE at once if the collection holds an entry a restore would refuse (only a
 * collection not made by `collectConfiguration` can). Errors while reading fail the stream.
 */
export function tarStream(root: string, collection: Collection): Readable {
  refuseUnsafeEntries(collection.files);
  async function* generate(): AsyncGenerator<Buffer> {
    for (const file of collection.files) {
      yield headerOf(file);
      if (file.type === 'file') yield* contentOf(root, file);
    }
    yield Buffer.alloc(2 * BLOCK);
  }
  return Readable.from(generate(), { objectMode: false });
}
