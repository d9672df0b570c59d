import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker, type Transferable } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import type { LifeboatError } from '@lifeboat/errors';
import { collect } from '../test/collector';
import { dumpLikeText } from '../test/dump-like-text';
import type { BlockRequest } from './gzip-worker';
import { createCompressStream, createDecompressStream } from './index';

/** gzip magic, deflate, no flags: how each member written by the compressor starts. */
const GZIP_MEMBER_START = Buffer.from('1f8b0800', 'hex');

const text = (bytes: number): Buffer => Buffer.concat([...dumpLikeText(bytes, 64 * 1024)]).subarray(0, bytes);

/** Runs `command` with `input` on stdin and resolves with its stdout. */
async function run(command: string, args: string[], input: Buffer): Promise<Buffer> {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const out = collect(child.stdout);
  child.stdin.end(input);
  const [code] = (await once(child, 'close')) as [number];
  assert.equal(code, 0, `${command} exited with ${code}`);
  return out;
}

test('output is a multi-member gzip that Node, gunzip and zcat read back in order', async () => {
  const input = text(300 * 1024 + 17);
  const sut = createCompressStream({ blockSize: 4096, workers: 3 });
  const gz = await collect(input, sut);
  assert.ok(gz.length < input.length / 2);
  assert.deepEqual(gunzipSync(gz), input);
  assert.deepEqual(await collect(gz, createDecompressStream()), input);
  assert.deepEqual(await run('gunzip', ['-c'], gz), input);
  assert.deepEqual(await run('zcat', [], gz), input);
});

test('each block is its own member, in input order', async () => {
  const input = text(10 * 1024);
  const gz = await collect(input, createCompressStream({ blockSize: 1024, workers: 2 }));
  const starts: number[] = [];
  for (let at = gz.indexOf(GZIP_MEMBER_START); at >= 0; at = gz.indexOf(GZIP_MEMBER_START, at + 1)) starts.push(at);
  assert.equal(starts.length, 10);
  starts.forEach((start, i) => {
    const member = gz.subarray(start, starts[i + 1] ?? gz.length);
    assert.deepEqual(gunzipSync(member), input.subarray(i * 1024, (i + 1) * 1024), `member ${i}`);
  });
});

test('empty input gives one empty member, which every reader accepts', async () => {
  const gz = await collect(Buffer.alloc(0), createCompressStream());
  assert.equal(gz.length, 20);
  assert.equal(gunzipSync(gz).length, 0);
  assert.equal((await collect(gz, createDecompressStream())).length, 0);
  assert.equal((await run('gunzip', ['-c'], gz)).length, 0);
});

test('exact block multiples and one byte over round trip, in one write or many', async () => {
  for (const size of [1, 4096, 4097, 3 * 4096]) {
    const input = text(size);
    assert.deepEqual(gunzipSync(await collect(input, createCompressStream({ blockSize: 4096 }))), input, `size ${size}`);
    const bytes = Array.from({ length: size }, (_, i) => input.subarray(i, i + 1));
    assert.deepEqual(gunzipSync(await collect(bytes, createCompressStream({ blockSize: 4096 }))), input, `size ${size}, byte by byte`);
  }
});

test('the level is honoured: 1 is larger than 9', async () => {
  const input = text(512 * 1024);
  const fast = await collect(input, createCompressStream({ level: 1 }));
  const small = await collect(input, createCompressStream({ level: 9 }));
  assert.ok(fast.length > small.length, `${fast.length} > ${small.length}`);
  assert.deepEqual(gunzipSync(fast), input);
});

test('options out of range are refused', () => {
  for (const options of [{ level: 0 }, { level: 10 }, { blockSize: 100 }, { workers: -1 }, { workers: 1.5 }]) {
    assert.throws(() => createCompressStream(options), (err: LifeboatError) => err.code === 'BAD_USER_INPUT');
  }
});

test('an upstream error fails the pipeline and stops the workers', async () => {
  const sut = createCompressStream({ blockSize: 64 * 1024 });
  const closed = new Promise((resolve) => sut.on('close', resolve));
  async function* failing(): AsyncGenerator<Buffer> {
    yield* dumpLikeText(512 * 1024, 64 * 1024);
    throw new Error('pg_dump died');
  }
  await assert.rejects(pipeline(Readable.from(failing()), sut, new Writable({ write: (_c, _e, done) => done() })), /pg_dump died/);
  await closed;
  assert.ok(sut.destroyed);
});

test('a worker failure fails the stream with INTERNAL and stops the pool', async () => {
  // Make every block request impossible to honour, so that each worker throws as it would on a real fault.
  const postMessage = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, value: BlockRequest, transfer?: readonly Transferable[]) {
    postMessage.call(this, { ...value, length: -1 }, transfer);
  };
  try {
    const sut = createCompressStream({ blockSize: 64 * 1024 });
    const closed = new Promise((resolve) => sut.on('close', resolve));
    await assert.rejects(collect(dumpLikeText(512 * 1024, 64 * 1024), sut), (err: LifeboatError) => {
      assert.equal(err.code, 'INTERNAL');
      assert.match(err.message, /parallel gzip worker failed: .*length/i);
      return true;
    });
    await closed;
  } finally {
    Worker.prototype.postMessage = postMessage;
  }
});

test('a slow reader holds the writer back: memory stays bounded', async () => {
  let pulled = 0;
  const source = Readable.from(
    (function* () {
      for (const piece of dumpLikeText(64 * 1024 * 1024, 64 * 1024)) {
        pulled += piece.length;
        yield piece;
      }
    })(),
  );
  const stalled = new Writable({ highWaterMark: 1024, write: () => undefined });
  const sut = createCompressStream({ blockSize: 1024 * 1024, workers: 2 });
  const running = pipeline(source, sut, stalled);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  // Blocks in flight (2 per worker), the block being filled, the compressor's readable buffer and
  // the source's own buffer: a few MiB, not the 64 MiB on offer.
  assert.ok(pulled < 16 * 1024 * 1024, `pulled ${pulled} bytes past a stalled reader`);
  sut.destroy(new Error('stop'));
  await assert.rejects(running, /stop/);
});

/** Runs a script in a child process that must exit on its own: leaked worker threads would keep it alive. */
async function exitsOnItsOwn(script: string): Promise<string> {
  const index = join(__dirname, 'index.js');
  const child = spawn(process.execPath, ['-e', `const artifact = require(${JSON.stringify(index)});\n${script}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const out = collect(child.stdout);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  assert.equal(signal, null, 'the process did not exit by itself: worker threads were left running');
  assert.equal(code, 0);
  return (await out).toString();
}

test('no worker thread outlives the stream: success, upstream error and destroy all let the process exit', async () => {
  const common = `
    const { Readable, Writable } = require('node:stream');
    const { pipeline } = require('node:stream/promises');
    const sink = () => new Writable({ write: (_c, _e, done) => done() });
    async function* data(fail) {
      for (let i = 0; i < 32; i++) yield Buffer.alloc(256 * 1024, 'insert into t values (' + i + ');\\n');
      if (fail) throw new Error('upstream failed');
    }`;
  const outcomes = await Promise.all([
    exitsOnItsOwn(`${common}
      pipeline(Readable.from(data(false)), artifact.createCompressStream(), sink()).then(() => console.log('done'));`),
    exitsOnItsOwn(`${common}
      pipeline(Readable.from(data(true)), artifact.createCompressStream(), sink()).catch((err) => console.log(err.message));`),
    exitsOnItsOwn(`${common}
      const sut = artifact.createCompressStream();
      pipeline(Readable.from(data(false)), sut, sink()).catch((err) => console.log(err.message));
      sut.once('data', () => sut.destroy(new Error('destroyed')));`),
  ]);
  assert.deepEqual(
    outcomes.map((s) => s.trim()),
    ['done', 'upstream failed', 'destroyed'],
  );
});

test('workers: 0 compresses without worker threads into gzip that decompresses to the input', async () => {
  const input = Buffer.from('tenant\trow\t42\n'.repeat(5000));
  const sut = createCompressStream({ workers: 0, level: 6 });
  const chunks: Buffer[] = [];
  sut.on('data', (c: Buffer) => chunks.push(c));
  sut.end(input);
  await new Promise((resolve) => sut.on('end', resolve));
  assert.deepEqual(gunzipSync(Buffer.concat(chunks)), input);
});
