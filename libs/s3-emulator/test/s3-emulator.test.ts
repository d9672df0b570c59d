import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type S3TestServer, startS3Server } from '../src/index';

const BUCKET = 'securesyntax';
let server: S3TestServer;
let client: S3Client;

before(async () => {
  server = await startS3Server();
  client = new S3Client({
    endpoint: server.endpoint,
    region: 'auto',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});

after(async () => {
  client.destroy();
  await server.destroy();
});

const put = (Key: string, body = 'x') => client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Buffer.from(body) }));
const rejectsWith = (name: string, status: number) => (err: { name?: string; $metadata?: { httpStatusCode?: number } }) =>
  err.name === name && err.$metadata?.httpStatusCode === status;

test('a PutObject cut off midway leaves no object, and no file behind', async () => {
  await new Promise<void>((resolve) => {
    const req = request(`${server.endpoint}/${BUCKET}/cut/object`, { method: 'PUT', headers: { 'Content-Length': 1000 } });
    req.on('error', () => resolve());
    req.write(Buffer.alloc(400));
    setTimeout(() => {
      req.destroy();
      setTimeout(resolve, 100);
    }, 50);
  });
  await assert.rejects(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'cut/object' })), rejectsWith('NoSuchKey', 404));
  assert.deepEqual(await readdir(path.join(server.directory, BUCKET, '._S3rver_uploads')), []);
});

test('ListObjectsV2 with a delimiter pages keys and common prefixes in byte order', async () => {
  for (const key of ['d/a/1', 'd/a/2', 'd/b', 'd/c/1', 'd/e']) await put(key);
  const seen: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'd/', Delimiter: '/', MaxKeys: 2, ContinuationToken }));
    seen.push(...(page.CommonPrefixes ?? []).map((p) => `prefix ${p.Prefix}`), ...(page.Contents ?? []).map((c) => `key ${c.Key}`));
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  assert.deepEqual(seen.sort(), ['key d/b', 'key d/e', 'prefix d/a/', 'prefix d/c/']);
});

test('multipart uploads: listed while in progress, parts checked on completion', async () => {
  const Key = 'multi/object';
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key }));
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
  assert.deepEqual(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [[Key, UploadId]]);
  const small = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 1, Body: Buffer.from('small') }));
  const last = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key, UploadId, PartNumber: 2, Body: Buffer.from('last') }));
  const complete = (Parts: { PartNumber: number; ETag?: string }[]) =>
    client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key, UploadId, MultipartUpload: { Parts } }));
  await assert.rejects(complete([{ PartNumber: 1, ETag: '"0123456789abcdef0123456789abcdef"' }]), rejectsWith('InvalidPart', 400));
  await assert.rejects(complete([{ PartNumber: 1, ETag: small.ETag }, { PartNumber: 2, ETag: last.ETag }]), rejectsWith('EntityTooSmall', 400));
  const done = await complete([{ PartNumber: 2, ETag: last.ETag }]);
  assert.match(done.ETag ?? '', /-1"$/);
  const body = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
  assert.equal(await body.Body?.transformToString(), 'last');
  assert.equal((await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads, undefined);
});

test('a body framed with aws-chunked is refused with 501, not stored with its framing', async () => {
  const status = await new Promise<number | undefined>((resolve, reject) => {
    const req = request(`${server.endpoint}/${BUCKET}/chunked`, { method: 'PUT', headers: { 'Content-Encoding': 'aws-chunked', 'Content-Length': 5 } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end('0\r\n\r\n');
  });
  assert.equal(status, 501);
  await assert.rejects(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'chunked' })), rejectsWith('NoSuchKey', 404));
});
