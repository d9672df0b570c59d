/**
 * The behaviour every Storage driver must have, as node:test tests registered against one driver:
 * each driver's test file calls `storageContract` with a fixture.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LifeboatError } from '@lifeboat/errors';
import { type Storage } from '../src/index';

export interface ContractFixture {
  /** A Storage over a fresh, empty area of the location (a new directory, a new key prefix). Large
   *  objects must travel in several parts where the driver has parts (S3: 5 MiB parts), and
   *  listings in several pages where it has pages. */
  open(): Storage;
  /** Whatever failed saves left behind anywhere in the location: temporary files, pending multipart uploads. */
  leftovers(): Promise<string[]>;
}

const MiB = 1024 * 1024;

export function bodyOf(bytes: Buffer): Readable {
  return Readable.from([bytes], { objectMode: false });
}

export async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function sha256Of(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(stream, hash);
  return hash.digest('hex');
}

/** `sizeBytes` random bytes generated as they are read (never held whole), and their SHA-256 once read. */
export function generatedBody(sizeBytes: number, failAfter?: Error): { body: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  async function* generate(): AsyncGenerator<Buffer> {
    for (let sent = 0; sent < sizeBytes; ) {
      const chunk = randomBytes(Math.min(256 * 1024, sizeBytes - sent));
      hash.update(chunk);
      sent += chunk.length;
      yield chunk;
    }
    if (failAfter) throw failAfter;
  }
  return { body: Readable.from(generate(), { objectMode: false }), sha256: () => hash.copy().digest('hex') };
}

function hasCode(code: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof LifeboatError, `expected a LifeboatError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  };
}

export function storageContract(fixture: ContractFixture): void {
  describe('storage contract', () => {
    test('small and empty objects round-trip, and stat reports them', async () => {
      const sut = fixture.open();
      const bytes = Buffer.from('hello, lifeboat');
      assert.deepEqual(await sut.save('small/hello.txt', bodyOf(bytes)), { sizeBytes: bytes.length });
      assert.deepEqual(await sut.save('small/empty', () => bodyOf(Buffer.alloc(0)), { contentLength: 0 }), { sizeBytes: 0 });

      assert.deepEqual(await bytesOf(await sut.load('small/hello.txt')), bytes);
      assert.equal((await bytesOf(await sut.load('small/empty'))).length, 0);
      const info = await sut.stat('small/hello.txt');
      assert.equal(info?.sizeBytes, bytes.length);
      assert.ok(info && Math.abs(info.modifiedAt.getTime() - Date.now()) < 60_000, 'modifiedAt is about now');
      assert.equal((await sut.stat('small/empty'))?.sizeBytes, 0);
    });

    test('a 40 MB object streamed from a generator round-trips with the same SHA-256', async () => {
      const sut = fixture.open();
      const { body, sha256 } = generatedBody(40 * MiB);
      assert.deepEqual(await sut.save('large/object', body), { sizeBytes: 40 * MiB });
      assert.equal(await sha256Of(await sut.load('large/object')), sha256());
      assert.equal((await sut.stat('large/object'))?.sizeBytes, 40 * MiB);
    });

    test('ranges return exactly the bytes asked for', async () => {
      const sut = fixture.open();
      const bytes = randomBytes(1000);
      await sut.save('ranges/object', bodyOf(bytes));
      assert.ok(sut.capabilities.ranges);
      for (const range of [{ start: 0, end: 0 }, { start: 10, end: 19 }, { start: 990 }, { start: 500, end: 5000 }, { start: 999, end: 999 }]) {
        const expected = bytes.subarray(range.start, (range.end ?? bytes.length - 1) + 1);
        assert.deepEqual(await bytesOf(await sut.load('ranges/object', range)), expected, JSON.stringify(range));
      }
    });

    test('a range past the end or malformed is refused', async () => {
      const sut = fixture.open();
      await sut.save('ranges/short', bodyOf(Buffer.from('0123456789')));
      await assert.rejects(sut.load('ranges/short', { start: 10 }), hasCode('BAD_USER_INPUT'));
      for (const range of [{ start: -1 }, { start: 5, end: 4 }, { start: 1.5 }]) {
        await assert.rejects(sut.load('ranges/short', range), hasCode('BAD_USER_INPUT'), JSON.stringify(range));
      }
    });

    test('a missing key: stat is undefined, load is OBJECT_NOT_FOUND', async () => {
      const sut = fixture.open();
      assert.equal(await sut.stat('missing/key'), undefined);
      await assert.rejects(sut.load('missing/key'), hasCode('OBJECT_NOT_FOUND'));
      await assert.rejects(sut.load('missing/key', { start: 0, end: 9 }), hasCode('OBJECT_NOT_FOUND'));
    });

    test('list yields the objects under a prefix, in key order, across pages', async () => {
      const sut = fixture.open();
      const keys = ['b/1', 'b/2/x', 'b/2/y', 'b/3', 'b-c', 'b.d', 'ba/z', 'bz', 'c/1', 'a', 'b/10', 'b/2-'];
      for (const key of keys) await sut.save(key, bodyOf(Buffer.from(key)));
      const listed = async (prefix: string) => {
        const out: string[] = [];
        for await (const object of sut.list(prefix)) {
          assert.equal(object.sizeBytes, Buffer.byteLength(object.key));
          assert.ok(object.modifiedAt instanceof Date);
          out.push(object.key);
        }
        return out;
      };
      assert.deepEqual(await listed(''), [...keys].sort());
      assert.deepEqual(await listed('b/'), ['b/1', 'b/10', 'b/2-', 'b/2/x', 'b/2/y', 'b/3']);
      assert.deepEqual(await listed('b/2'), ['b/2-', 'b/2/x', 'b/2/y']);
      assert.deepEqual(await listed('b'), ['b-c', 'b.d', 'b/1', 'b/10', 'b/2-', 'b/2/x', 'b/2/y', 'b/3', 'ba/z', 'bz']);
      assert.deepEqual(await listed('nothing/'), []);
    });

    test('remove deletes, and removing a missing key succeeds', async () => {
      const sut = fixture.open();
      await sut.save('remove/me', bodyOf(Buffer.from('x')));
      await sut.save('remove/keep', bodyOf(Buffer.from('y')));
      await sut.remove('remove/me');
      await sut.remove('remove/me');
      await sut.remove('remove/never/existed');
      assert.equal(await sut.stat('remove/me'), undefined);
      await assert.rejects(sut.load('remove/me'), hasCode('OBJECT_NOT_FOUND'));
      assert.equal((await sut.stat('remove/keep'))?.sizeBytes, 1);
    });

    test('usage counts the bytes and objects stored', async () => {
      const sut = fixture.open();
      assert.deepEqual(await sut.usage(), { usedBytes: 0, objectCount: 0 });
      await sut.save('usage/a', bodyOf(Buffer.alloc(100)));
      await sut.save('usage/b/c', bodyOf(Buffer.alloc(23)));
      assert.deepEqual(await sut.usage(), { usedBytes: 123, objectCount: 2 });
    });

    test('saving again replaces the object', async () => {
      const sut = fixture.open();
      await sut.save('replace/me', bodyOf(Buffer.from('first version')));
      await sut.save('replace/me', () => bodyOf(Buffer.from('second')));
      assert.equal((await bytesOf(await sut.load('replace/me'))).toString(), 'second');
    });

    test('a body that fails midway rejects with its own error, and leaves nothing visible or behind', async () => {
      const sut = fixture.open();
      await sut.save('failing/existing', bodyOf(Buffer.from('the previous version')));
      for (const [key, size] of [['failing/small', 1000], ['failing/large', 12 * MiB], ['failing/existing', 12 * MiB]] as const) {
        const boom = new Error('the body broke');
        await assert.rejects(sut.save(key, generatedBody(size, boom).body), (err) => err === boom, key);
      }
      assert.equal(await sut.stat('failing/small'), undefined);
      assert.equal(await sut.stat('failing/large'), undefined);
      assert.equal((await bytesOf(await sut.load('failing/existing'))).toString(), 'the previous version');
      assert.deepEqual(await fixture.leftovers(), []);
    });

    test('a body whose length differs from contentLength is refused, leaving nothing visible', async () => {
      const sut = fixture.open();
      await assert.rejects(sut.save('length/short', bodyOf(Buffer.alloc(10)), { contentLength: 11 }), hasCode('BAD_USER_INPUT'));
      await assert.rejects(sut.save('length/long', generatedBody(6 * MiB).body, { contentLength: 5 * MiB }), hasCode('BAD_USER_INPUT'));
      assert.equal(await sut.stat('length/short'), undefined);
      assert.equal(await sut.stat('length/long'), undefined);
      assert.deepEqual(await fixture.leftovers(), []);
    });

    test('an aborted save rejects with the reason and leaves nothing visible or behind', async () => {
      const sut = fixture.open();
      const reason = new Error('stop now');
      async function* slow(controller: AbortController): AsyncGenerator<Buffer> {
        yield randomBytes(MiB);
        controller.abort(reason);
        await new Promise((resolve) => setTimeout(resolve, 10));
        yield randomBytes(MiB);
      }
      const controller = new AbortController();
      await assert.rejects(sut.save('aborted/object', Readable.from(slow(controller), { objectMode: false }), { signal: controller.signal }), (err) => err === reason);
      await assert.rejects(sut.save('aborted/object', bodyOf(Buffer.from('x')), { signal: controller.signal }), (err) => err === reason);
      // With its length known (on S3, one PutObject rather than an upload).
      const known = new AbortController();
      await assert.rejects(
        sut.save('aborted/known', Readable.from(slow(known), { objectMode: false }), { signal: known.signal, contentLength: 2 * MiB }),
        (err) => err === reason,
      );
      assert.equal(await sut.stat('aborted/object'), undefined);
      assert.equal(await sut.stat('aborted/known'), undefined);
      assert.deepEqual(await fixture.leftovers(), []);
    });

    test('invalid keys and prefixes are refused with BAD_USER_INPUT', async () => {
      const sut = fixture.open();
      const invalid = ['', '/abs', 'a/../b', '..', 'a/./b', 'a\\b', 'a//b', 'a/', 'a\u0000b', 'a/.lifeboat-partial-x', 'x'.repeat(256)];
      for (const key of invalid) {
        await assert.rejects(sut.save(key, bodyOf(Buffer.from('x'))), hasCode('BAD_USER_INPUT'), JSON.stringify(key));
        await assert.rejects(sut.load(key), hasCode('BAD_USER_INPUT'), JSON.stringify(key));
        await assert.rejects(sut.stat(key), hasCode('BAD_USER_INPUT'), JSON.stringify(key));
        await assert.rejects(sut.remove(key), hasCode('BAD_USER_INPUT'), JSON.stringify(key));
      }
      for (const prefix of ['/a', 'a/../', 'a//']) {
        await assert.rejects(async () => {
          for await (const _ of sut.list(prefix)) assert.fail('nothing should be listed');
        }, hasCode('BAD_USER_INPUT'));
      }
      assert.deepEqual(await sut.usage(), { usedBytes: 0, objectCount: 0 });
    });

    test('ping resolves on a working location', async () => {
      await fixture.open().ping();
    });
  });
}
