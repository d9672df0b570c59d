/**
 * Throughput of the parallel gzip stream against `pigz -9` and `gzip -9` on the same dump-like
 * text (200 MB by default), and of the whole artifact pipeline (compress, encrypt, hash) against
 * the shell pipeline `pigz -9 | openssl enc | sha256sum`. Each contender runs `rounds` times,
 * interleaved, and the best and median rates are printed with the CPU time used, because a shared
 * machine is noisy. Not part of the test suite:
 *   node libs/artifact/dist/test/gzip-throughput.js [megabytes] [rounds] [blockSizeKiB...]
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createCompressStream, createEncryptStream, createHashTap, generateMasterKey, keyringFromEnv } from '../src/index';
import { dumpLikeText } from './dump-like-text';

const megabytes = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 3);
const blockSizes = process.argv.slice(4).map((kib) => Number(kib) * 1024);
const READ_SIZE = 1024 * 1024;

/** CPU seconds of this process's threads and of its finished children (Linux `/proc/self/stat`). */
function cpuSeconds(): { own: number; children: number } {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const ticks = 100;
  const { user, system } = process.cpuUsage();
  return { own: (user + system) / 1e6, children: (Number(fields[13]) + Number(fields[14])) / ticks };
}

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

interface Contender {
  label: string;
  /** Returns the output's size, when it has one. */
  run: () => Promise<number | undefined>;
  seconds: number[];
  cpu: number[];
  outputBytes?: number;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'lifeboat-gzip-throughput-'));
  try {
    const input = join(dir, 'dump.sql');
    await pipeline(Readable.from(dumpLikeText(megabytes * 1e6)), createWriteStream(input));
    const inputBytes = (await stat(input)).size;
    console.log(`input: ${(inputBytes / 1e6).toFixed(1)} MB of dump-like text; ${availableParallelism()} cores; ${rounds} rounds, interleaved`);

    const ours = async (blockSize?: number): Promise<number> => {
      const sink = counter();
      await pipeline(createReadStream(input, { highWaterMark: READ_SIZE }), createCompressStream({ level: 9, blockSize }), sink);
      return sink.bytes;
    };
    const keyring = keyringFromEnv({ LIFEBOAT_MASTER_KEYS: generateMasterKey('bench') });
    const contenders: Contender[] = [
      ...blockSizes.map((blockSize) => ({ label: `createCompressStream -9, ${blockSize / 1024} KiB blocks`, run: () => ours(blockSize) })),
      { label: 'createCompressStream -9 (defaults)', run: () => ours() },
      { label: 'pigz -9', run: () => shell('pigz -9 | wc -c', input) },
      { label: 'gzip -9', run: () => shell('gzip -9 | wc -c', input) },
      {
        label: 'pipeline: compress -9 | encrypt | sha256',
        run: async () => {
          const hash = createHashTap();
          await pipeline(createReadStream(input, { highWaterMark: READ_SIZE }), createCompressStream(), createEncryptStream(keyring), hash, counter());
          return hash.bytes;
        },
      },
      {
        label: 'shell: pigz -9 | openssl enc -aes-256-ctr | sha256sum',
        run: async () => {
          await shell('pigz -9 | openssl enc -aes-256-ctr -pbkdf2 -pass pass:bench | sha256sum >/dev/null; echo 0', input);
          return undefined;
        },
      },
    ].map((c) => ({ ...c, seconds: [], cpu: [] }));

    for (let round = 0; round < rounds; round++) {
      for (const contender of contenders) {
        const cpuBefore = cpuSeconds();
        const started = process.hrtime.bigint();
        contender.outputBytes = await contender.run();
        contender.seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
        const cpuAfter = cpuSeconds();
        contender.cpu.push(cpuAfter.own - cpuBefore.own + cpuAfter.children - cpuBefore.children);
      }
    }

    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const rate = (seconds: number): string => (inputBytes / 1e6 / seconds).toFixed(1).padStart(6);
    console.log(`${'contender'.padEnd(56)} ${'best'.padStart(6)}  ${'median'.padStart(6)} MB/s   cpu s   ratio`);
    for (const { label, seconds, cpu, outputBytes } of contenders) {
      const ratio = outputBytes === undefined ? '' : `${((100 * outputBytes) / inputBytes).toFixed(2)}%`;
      console.log(`${label.padEnd(56)} ${rate(Math.min(...seconds))}  ${rate(median(seconds))}       ${median(cpu).toFixed(2).padStart(6)}  ${ratio}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
