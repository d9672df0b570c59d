/**
 * Throughput of the parallel gzip stream against `pigz -9` and `gzip -9` on the same ~200 MB of
 * dump-like text, and of the whole artifact pipeline (compress, encrypt, hash) against the shell
 * pipeline `pigz -9 | openssl enc | sha256sum`. Not part of the test suite:
 *   node libs/artifact/dist/test/gzip-throughput.js [megabytes] [blockSizeKiB...]
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressStream, createEncryptStream, createHashTap, generateMasterKey, keyringFromEnv } from '../src/index';
import { dumpLikeText } from './dump-like-text';

const megabytes = Number(process.argv[2] ?? 200);
const blockSizes = process.argv.slice(3).map((kib) => Number(kib) * 1024);

/** A sink that counts and discards. */
function counter(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.bytes += chunk.length;
      done();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

/** Runs a shell pipeline on the input file; returns the number its last command prints. */
async function shell(command: string, input: string): Promise<number> {
  const child = spawn('sh', ['-c', `< '${input}' ${command}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (data: Buffer) => (out += data.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${command} exited with ${code}`);
  return Number.parseInt(out, 10);
}

/** Runs `run` and prints its rate over the input; `run` returns the output's size, when it has one. */
async function measure(label: string, inputBytes: number, run: () => Promise<number | undefined>): Promise<void> {
  const started = process.hrtime.bigint();
  const outputBytes = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rate = inputBytes / 1e6 / seconds;
  const ratio = outputBytes === undefined ? '' : `  ratio ${((100 * outputBytes) / inputBytes).toFixed(2)}%`;
  console.log(`${label.padEnd(56)} ${rate.toFixed(1).padStart(7)} MB/s  ${seconds.toFixed(2).padStart(6)} s${ratio}`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeboat-gzip-throughput-'));
  try {
    const input = join(dir, 'dump.sql');
    await pipeline(Readable.from(dumpLikeText(megabytes * 1e6)), createWriteStream(input));
    const inputBytes = (await stat(input)).size;
    console.log(`input: ${(inputBytes / 1e6).toFixed(1)} MB of dump-like text; ${availableParallelism()} cores`);

    const ours = async (blockSize?: number): Promise<number> => {
      const sink = counter();
      await pipeline(createReadStream(input, { highWaterMark: 1024 * 1024 }), createCompressStream({ level: 9, blockSize }), sink);
      return sink.bytes;
    };
    for (const blockSize of blockSizes) await measure(`createCompressStream -9, ${blockSize / 1024} KiB blocks`, inputBytes, () => ours(blockSize));
    await measure('createCompressStream -9 (defaults)', inputBytes, () => ours());
    await measure('pigz -9', inputBytes, () => shell('pigz -9 | wc -c', input));
    await measure('gzip -9', inputBytes, () => shell('gzip -9 | wc -c', input));

    const keyring = keyringFromEnv({ LIFEBOAT_MASTER_KEYS: generateMasterKey('bench') });
    await measure('pipeline: compress -9 | encrypt | sha256', inputBytes, async () => {
      const hash = createHashTap();
      await pipeline(createReadStream(input, { highWaterMark: 1024 * 1024 }), createCompressStream(), createEncryptStream(keyring), hash, counter());
      return hash.bytes;
    });
    await measure('shell: pigz -9 | openssl enc -aes-256-ctr | sha256sum', inputBytes, async () => {
      await shell('pigz -9 | openssl enc -aes-256-ctr -pbkdf2 -pass pass:bench | sha256sum >/dev/null; echo 0', input);
      return undefined;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
