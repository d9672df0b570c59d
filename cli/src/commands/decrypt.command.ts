/**
 * `lifeboat decrypt`: break glass. Turns an artifact back into the source bytes with nothing but
 * a key file (or LIFEBOAT_MASTER_KEYS): no database, no NATS, no running service. Streams in
 * constant memory whatever the artifact's size.
 */
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecompressStream, createDecryptStream, keyringFromEnv, keyringFromFile } from '@lifeboat/artifact';
import { LifeboatError, isLifeboatError, messageOf } from '@lifeboat/errors';
import { UsageError, parseOptions, type Command } from '../command';
import { openInput, writeAtomically } from '../files';

/** Where keyringFromEnv reads the master keys when there is no --key-file. */
const MASTER_KEYS_VARIABLE = 'LIFEBOAT_MASTER_KEYS';

/** zlib's failures carry codes such as Z_DATA_ERROR. */
function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

export const decrypt: Command = {
  name: 'decrypt',
  summary: 'Decrypt and decompress an artifact with a key file (break glass: needs no service)',
  help: `Usage: lifeboat decrypt [--key-file FILE] [--in FILE] [--out FILE] [--no-decompress]

Reads an artifact, decrypts it and decompresses it, and writes the original bytes (a pg_dump, a
base backup tar, a WAL segment). Fails with WRONG_KEY, TAMPERED or TRUNCATED (see docs/format.md).

Options:
  --key-file FILE   master keys, one id:base64key per line (# comments); default: LIFEBOAT_MASTER_KEYS
  --in FILE         the artifact (default: stdin)
  --out FILE        where to write (default: stdout); written under a temporary name and renamed
                    only when complete, so a failure leaves no file
  --no-decompress   write the decrypted gzip stream as it is

On failure while writing to stdout, discard what was written: it is authentic but incomplete.`,

  async run(args, context) {
    const { values } = parseOptions(args, {
      options: {
        'key-file': { type: 'string' },
        in: { type: 'string' },
        out: { type: 'string' },
        decompress: { type: 'boolean', default: true },
      },
    });
    const keyFile = values['key-file'];
    if (keyFile === undefined && !context.env[MASTER_KEYS_VARIABLE]) {
      throw new UsageError(`no keys: pass --key-file FILE, or set ${MASTER_KEYS_VARIABLE}`);
    }
    const keyring = keyFile === undefined ? keyringFromEnv(context.env) : await keyringFromFile(keyFile);
    const input = await openInput(values.in, context.stdin);
    const stages: Transform[] = [createDecryptStream(keyring), ...(values.decompress ? [createDecompressStream()] : [])];
    const out = values.out;
    try {
      if (out === undefined) await pipeline([input, ...stages, context.stdout]);
      else await writeAtomically(out, (sink) => pipeline([input, ...stages, sink]));
    } catch (err) {
      if (!isLifeboatError(err) && isZlibError(err)) {
        throw new LifeboatError('INTERNAL', `the decrypted data is not a gzip stream: ${messageOf(err)}`, {
          cause: err,
          hint: 'the artifact decrypted correctly; pass --no-decompress to write the decrypted bytes as they are',
        });
      }
      throw err;
    }
  },
};
