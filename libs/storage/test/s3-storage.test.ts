import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { Secret } from '@lifeboat/config';
import { LifeboatError } from '@lifeboat/errors';
import { startS3Server, type S3TestServer } from '@lifeboat/testkit';
import { RetryingStorage, S3Storage, type S3StorageConfig } from '../src/index';
import { bodyOf, bytesOf, generatedBody, sha256Of, storageContract } from './storage-contract';

const MiB = 1024 * 1024;
const BUCKET = 'securesyntax';
let server: S3TestServer;
let lister: S3Client;
let prefixes = 0;

/** An R2-like location on the test server, under a prefix of its own. */
function open(overrides: Partial<S3StorageConfig> = {}): S3Storage {
  return new S3Storage({
    name: 'r2',
    endpoint: server.endpoint,
    region: 'auto',
    bucket: BUCKET,
    prefix: `t${++prefixes}/`,
    accessKeyId: 'S3RVER',
    secretAccessKey: new Secret('S3RVER'),
    partSize: 5 * MiB,
    listPageSize: 3,
    ...overrides,
  });
}

/** The file the emulator wrote for an object: the bytes it received. */
function fileOf(objectKey: string): string {
  return path.join(server.directory, BUCKET, `${objectKey}._S3rver_object`);
}

const withCode = (code: string) => (err: unknown) => err instanceof LifeboatError && err.code === code;

before(async () => {
  server = await startS3Server({ buckets: [BUCKET] });
  lister = new S3Client({ endpoint: server.endpoint, region: 'auto', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});

after(async () => {
  lister.destroy();
  await server.destroy();
});

storageContract({
  open: () => open(),
  // Multipart uploads left in progress (invisible, but billed by a real provider).
  leftovers: async () => {
    const uploads = await lister.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    return (uploads.Uploads ?? []).map((u) => `${u.Key} ${u.UploadId}`);
  },
});

test('the stored bytes are exactly the uploaded bytes, in one part or several', async () => {
  const sut = open({ prefix: 'exact' });
  for (const [key, size] of [['single', 3 * MiB], ['multipart', 12 * MiB]] as const) {
    const { body, sha256 } = generatedBody(size);
    await sut.save(`bytes/${key}`, body);
    assert.equal(await sha256Of(await sut.load(`bytes/${key}`)), sha256(), key);
    assert.equal(await sha256Of(createReadStream(fileOf(`exact/bytes/${key}`))), sha256(), `${key} on disk`);
  }
});

test('a missing bucket is CONFIG_INVALID with a hint naming the variable', async () => {
  const sut = open({ bucket: 'no-such-bucket' });
  const missingBucket = (err: unknown) =>
    withCode('CONFIG_INVALID')(err) && /create bucket no-such-bucket or set LIFEBOAT_LOCATION_R2_BUCKET/.test((err as LifeboatError).hint ?? '');
  await assert.rejects(sut.ping(), missingBucket);
  await assert.rejects(sut.save('k', bodyOf(Buffer.from('x'))), missingBucket);
  await assert.rejects(sut.load('k'), missingBucket);
});

test('an access key the server does not know is UNAUTHENTICATED, and the secret is never shown', async () => {
  const sut = open({ accessKeyId: 'NOT-A-KEY', secretAccessKey: new Secret('the-secret-value') });
  for (const attempt of [sut.load('k'), sut.save('k', bodyOf(Buffer.from('x')))]) {
    await assert.rejects(attempt, (err: LifeboatError) => {
      assert.equal(err.code, 'UNAUTHENTICATED');
      assert.match(err.hint ?? '', /LIFEBOAT_LOCATION_R2_SECRET_ACCESS_KEY/);
      assert.doesNotMatch(`${err.message} ${JSON.stringify(err)}`, /the-secret-value/);
      return true;
    });
  }
});

test('with the server stopped, every operation fails with LOCATION_UNAVAILABLE within seconds', async () => {
  const sut = open();
  await sut.save('down/k', bodyOf(Buffer.from('x')));
  await server.stop();
  try {
    const operations: [string, () => Promise<unknown>][] = [
      ['ping', () => sut.ping()],
      ['save', () => sut.save('down/k2', bodyOf(Buffer.from('y')))],
      ['load', () => sut.load('down/k')],
      ['stat', () => sut.stat('down/k')],
      ['remove', () => sut.remove('down/k')],
      ['list', async () => {
        for await (const _ of sut.list('down/')) assert.fail('nothing should be listed');
      }],
    ];
    for (const [name, operation] of operations) {
      const started = Date.now();
      await assert.rejects(operation(), (err: LifeboatError) => {
        assert.equal(err.code, 'LOCATION_UNAVAILABLE', `${name}: ${err.message}`);
        assert.equal(err.retryable, true);
        assert.match(err.message, /location r2/);
        return true;
      });
      assert.ok(Date.now() - started < 5000, `${name} failed within 5 s`);
    }
  } finally {
    await server.start();
  }
});

test('the retry wrapper succeeds when the server comes back during its retries', async () => {
  const driver = open();
  let retries = 0;
  const sut = new RetryingStorage(driver, { attempts: 10, baseDelayMs: 100, maxDelayMs: 400, onRetry: () => void retries++ });
  await server.stop();
  const restart = new Promise((resolve) => setTimeout(resolve, 700)).then(() => server.start());
  const bytes = randomBytes(7 * MiB);
  const saved = await sut.save('retry/object', () => bodyOf(bytes));
  await restart;
  assert.equal(saved.sizeBytes, 7 * MiB);
  assert.ok(retries >= 1, 'it retried');
  assert.deepEqual(await bytesOf(await sut.load('retry/object')), bytes);
});

test('a load stream errors, rather than hangs, when the server dies mid-transfer', async () => {
  const sut = open();
  await sut.save('dying/object', generatedBody(40 * MiB).body);
  const stream = await sut.load('dying/object');
  const started = Date.now();
  try {
    await assert.rejects(
      (async () => {
        let stopping: Promise<void> | undefined;
        for await (const _ of stream) stopping ??= server.stop();
        await stopping;
      })(),
      withCode('LOCATION_UNAVAILABLE'),
    );
  } finally {
    await server.start();
  }
  assert.ok(Date.now() - started < 5000, 'the stream failed within 5 s');
});

test('keys live under the configured prefix, and list strips it', async () => {
  const sut = open({ prefix: '/tenant-a/lifeboat/' });
  await sut.save('backups/one', bodyOf(Buffer.from('1')));
  assert.equal(await sha256Of(createReadStream(fileOf('tenant-a/lifeboat/backups/one'))), await sha256Of(bodyOf(Buffer.from('1'))));
  const keys: string[] = [];
  for await (const object of sut.list('')) keys.push(object.key);
  assert.deepEqual(keys, ['backups/one']);
  assert.deepEqual(await bytesOf(await sut.load('backups/one')), Buffer.from('1'));
});
