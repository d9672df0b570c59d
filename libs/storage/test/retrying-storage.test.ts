import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { LifeboatError } from '@lifeboat/errors';
import { RetryingStorage, type ListedObject, type SaveBody, type Storage } from '../src/index';
import { bodyOf, bytesOf } from './storage-contract';

const unavailable = () => new LifeboatError('LOCATION_UNAVAILABLE', 'location fake: connection refused');
const notFound = () => new LifeboatError('OBJECT_NOT_FOUND', 'location fake: no object k');

/** A Storage whose calls fail with the queued errors, then succeed. */
class FakeStorage implements Storage {
  readonly name = 'fake';
  readonly kind = 'FS';
  readonly capabilities = { ranges: true, multipart: false };
  readonly failures: Error[] = [];
  calls = 0;
  opened = 0;
  objects: ListedObject[] = [];
  /** `list` fails with this after yielding this many objects, once. */
  listFailure?: { after: number; error: Error };

  private attempt(): void {
    this.calls += 1;
    const failure = this.failures.shift();
    if (failure) throw failure;
  }

  async save(_key: string, body: SaveBody): Promise<{ sizeBytes: number }> {
    const stream = typeof body === 'function' ? await body() : body;
    this.opened += 1;
    const bytes = await bytesOf(stream);
    this.attempt();
    return { sizeBytes: bytes.length };
  }

  async load(): Promise<Readable> {
    this.attempt();
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('some bytes');
      throw unavailable();
    }
    return Readable.from(failing(), { objectMode: false });
  }

  async stat(): Promise<undefined> {
    this.attempt();
    return undefined;
  }

  async *list(): AsyncGenerator<ListedObject> {
    this.attempt();
    for (const [i, object] of this.objects.entries()) {
      if (this.listFailure && i === this.listFailure.after) {
        const { error } = this.listFailure;
        this.listFailure = undefined;
        throw error;
      }
      yield object;
    }
  }

  async remove(): Promise<void> {
    this.attempt();
  }

  async usage(): Promise<{ usedBytes: number; objectCount: number }> {
    this.attempt();
    return { usedBytes: 0, objectCount: 0 };
  }

  async ping(): Promise<void> {
    this.attempt();
  }
}

const fast = { baseDelayMs: 1, maxDelayMs: 5 };

test('a retryable error is retried until the operation succeeds', async () => {
  const fake = new FakeStorage();
  fake.failures.push(unavailable(), unavailable());
  const sut = new RetryingStorage(fake, fast);
  await sut.ping();
  assert.equal(fake.calls, 3);
  assert.equal(sut.name, 'fake');
  assert.equal(sut.kind, 'FS');
  assert.deepEqual(sut.capabilities, fake.capabilities);
});

test('permanent errors are not retried', async () => {
  const fake = new FakeStorage();
  const sut = new RetryingStorage(fake, fast);
  fake.failures.push(notFound());
  await assert.rejects(sut.stat('k'), (err: LifeboatError) => err.code === 'OBJECT_NOT_FOUND');
  fake.failures.push(new Error('not a LifeboatError'));
  await assert.rejects(sut.remove('k'), /not a LifeboatError/);
  assert.equal(fake.calls, 2);
});

test('it gives up after the configured number of attempts, keeping the code', async () => {
  const fake = new FakeStorage();
  fake.failures.push(unavailable(), unavailable(), unavailable(), unavailable());
  const sut = new RetryingStorage(fake, { ...fast, attempts: 3 });
  await assert.rejects(sut.usage(), (err: LifeboatError) => {
    assert.equal(err.code, 'LOCATION_UNAVAILABLE');
    assert.match(err.message, /gave up after 3 attempts/);
    assert.equal(err.details.attempts, 3);
    return true;
  });
  assert.equal(fake.calls, 3);
});

test('the delays grow exponentially, with jitter, up to the maximum', async () => {
  const fake = new FakeStorage();
  fake.failures.push(unavailable(), unavailable(), unavailable(), unavailable());
  const delays: number[] = [];
  const sut = new RetryingStorage(fake, { attempts: 5, baseDelayMs: 4, maxDelayMs: 20, onRetry: (_err, _attempt, delayMs) => void delays.push(delayMs) });
  await sut.ping();
  assert.equal(delays.length, 4);
  for (const [i, ceiling] of [4, 8, 16, 20].entries()) {
    assert.ok(delays[i] >= ceiling / 2 && delays[i] <= ceiling, `delay ${i + 1} is ${delays[i]}, expected ${ceiling / 2}..${ceiling}`);
  }
});

test('a save whose body is a plain Readable is never retried; one with a factory is, reopening it', async () => {
  const fake = new FakeStorage();
  const sut = new RetryingStorage(fake, fast);
  fake.failures.push(unavailable());
  await assert.rejects(sut.save('k', bodyOf(Buffer.from('once'))), (err: LifeboatError) => err.code === 'LOCATION_UNAVAILABLE');
  assert.equal(fake.calls, 1);

  fake.failures.push(unavailable(), unavailable());
  let factoryCalls = 0;
  const saved = await sut.save('k', () => {
    factoryCalls += 1;
    return bodyOf(Buffer.from('again'));
  });
  assert.deepEqual(saved, { sizeBytes: 5 });
  assert.equal(factoryCalls, 3);
});

test('opening a load is retried, but a stream that fails once bytes flowed is not', async () => {
  const fake = new FakeStorage();
  fake.failures.push(unavailable());
  const sut = new RetryingStorage(fake, fast);
  const stream = await sut.load('k');
  assert.equal(fake.calls, 2);
  await assert.rejects(bytesOf(stream), (err: LifeboatError) => err.code === 'LOCATION_UNAVAILABLE');
  assert.equal(fake.calls, 2);
});

test('a listing that fails midway resumes after the last key it yielded', async () => {
  const fake = new FakeStorage();
  fake.objects = ['a', 'b', 'c', 'd'].map((key) => ({ key, sizeBytes: 1, modifiedAt: new Date() }));
  fake.listFailure = { after: 2, error: unavailable() };
  const sut = new RetryingStorage(fake, fast);
  const keys: string[] = [];
  for await (const object of sut.list('')) keys.push(object.key);
  assert.deepEqual(keys, ['a', 'b', 'c', 'd']);
  assert.equal(fake.calls, 2);

  fake.listFailure = { after: 1, error: notFound() };
  await assert.rejects(async () => {
    for await (const _ of sut.list('')) continue;
  }, (err: LifeboatError) => err.code === 'OBJECT_NOT_FOUND');
});

test('an aborted save stops retrying', async () => {
  const fake = new FakeStorage();
  fake.failures.push(unavailable(), unavailable(), unavailable());
  const controller = new AbortController();
  const sut = new RetryingStorage(fake, { attempts: 4, baseDelayMs: 10_000 });
  const saving = sut.save('k', () => bodyOf(Buffer.from('x')), { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('cancelled')), 20);
  await assert.rejects(saving, /cancelled/);
  assert.equal(fake.calls, 1);
});
