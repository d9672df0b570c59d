/**
 * An S3-compatible server on loopback that plays Cloudflare R2 and Backblaze B2 in tests and in
 * `npm start` (until real endpoints are configured): path-style requests, as the storage driver
 * sends them through `@aws-sdk/client-s3`, answered with S3's status codes and XML.
 *
 * What it serves: HeadBucket; ListObjectsV2 (prefix, delimiter, start-after, max-keys and
 * continuation tokens, keys in UTF-8 byte order); PutObject, written to a temporary file and
 * renamed into place, so a cut-off upload leaves nothing; GetObject with a byte range (416
 * InvalidRange past the end); HeadObject; DeleteObject; multipart uploads (create, upload part,
 * complete with S3's part checks, abort; ListMultipartUploads). Requests signed with an access key
 * id other than `S3RVER` are refused (403 InvalidAccessKeyId); unsigned requests are served and
 * signatures are not checked. Bodies framed with aws-chunked (the SDK's flexible checksums) are
 * refused with 501: the driver turns them off (STACK.md).
 *
 * On disk (the layout s3rver used, so that data kept by an earlier `npm start` stays readable):
 * each object is `<directory>/<bucket>/<key>._S3rver_object`, the exact bytes received, and the
 * parts of each multipart upload in progress are under `<directory>/<bucket>/._S3rver_uploads/`.
 * ETags: the MD5 of the body for PutObject and UploadPart (as S3), S3's MD5-of-MD5s with the part
 * count for a completed multipart upload; GET and HEAD answer one made of the file's size and
 * modification time (an ETag is opaque to clients).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { text } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';

export interface S3TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Where buckets and objects are kept (see the layout above). */
  readonly directory: string;
  /** Stops listening and cuts every open connection, as a crashed server would; data is kept. */
  stop(): Promise<void>;
  /** Starts again on the same port and directory, with the data kept. */
  start(): Promise<void>;
  /** Stops the server if running, and deletes the directory if this helper created it. */
  destroy(): Promise<void>;
}

export interface S3TestServerOptions {
  /** Default: a free port. */
  port?: number;
  /** Default: a new temporary directory, deleted by `destroy()`. */
  directory?: string;
  /** Buckets created at start. Default: `securesyntax`, the product's default bucket. */
  buckets?: string[];
}

const ACCESS_KEY_ID = 'S3RVER';
const OBJECT_SUFFIX = '._S3rver_object';
const UPLOADS = '._S3rver_uploads';
const MIN_PART_BYTES = 5 * 1024 * 1024;

export async function startS3Server(options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const port = options.port ?? (await anyFreePort());
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(path.join(os.tmpdir(), 'lifeboat-s3-')));
  await Promise.all((options.buckets ?? ['securesyntax']).map((bucket) => mkdir(path.join(directory, bucket, UPLOADS), { recursive: true })));
  const store = new Store(directory);
  let running: http.Server | undefined;

  const start = async (): Promise<void> => {
    if (running) return;
    const server = http.createServer((req, res) => void serve(store, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    running = server;
  };

  const stop = async (): Promise<void> => {
    const server = running;
    if (!server) return;
    running = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };

  await start();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory,
    start,
    stop,
    async destroy() {
      await stop();
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}

/** An answer other than success: S3's error code, its HTTP status and a message. */
class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

const noSuchKey = (key: string) => new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
const noSuchUpload = (id: string) => new S3Error(404, 'NoSuchUpload', 'The specified upload does not exist.', { UploadId: id });

async function serve(store: Store, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://s3');
    const [, bucketPart = '', ...rest] = url.pathname.split('/');
    const bucket = decodeURIComponent(bucketPart);
    const key = decodeURIComponent(rest.join('/'));
    checkAccessKey(req, url);
    if (!bucket) throw new S3Error(405, 'MethodNotAllowed', 'Listing buckets is not supported here.');
    if (!(await store.hasBucket(bucket))) throw new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist.', { BucketName: bucket });
    const query = url.searchParams;
    if (!key) return await bucketRequest(store, req, res, bucket, query);
    if (req.method !== 'GET' && req.method !== 'HEAD' && /aws-chunked/.test(req.headers['content-encoding'] ?? '')) {
      throw new S3Error(501, 'NotImplemented', 'aws-chunked request bodies are not supported by this server; send plain bodies.');
    }
    const uploadId = query.get('uploadId');
    switch (req.method) {
      case 'PUT':
        if (uploadId !== null) return reply(res, 200, { ETag: await store.uploadPart(bucket, key, uploadId, Number(query.get('partNumber')), req) });
        return reply(res, 200, { ETag: await store.put(bucket, key, req) });
      case 'POST':
        if (query.has('uploads')) return replyXml(res, 200, initiateResult(bucket, key, await store.createUpload(bucket, key)));
        if (uploadId !== null) {
          const etag = await store.completeUpload(bucket, key, uploadId, await text(req));
          return replyXml(res, 200, `<CompleteMultipartUploadResult><Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><ETag>${xml(etag)}</ETag></CompleteMultipartUploadResult>`);
        }
        break;
      case 'DELETE':
        if (uploadId !== null) await store.abortUpload(bucket, uploadId);
        else await store.remove(bucket, key);
        return reply(res, 204);
      case 'GET':
      case 'HEAD':
        return await getObject(store, req, res, bucket, key);
    }
    throw new S3Error(405, 'MethodNotAllowed', `${req.method} is not allowed on an object here.`);
  } catch (err) {
    fail(req, res, err);
  }
}

async function bucketRequest(store: Store, req: IncomingMessage, res: ServerResponse, bucket: string, query: URLSearchParams): Promise<void> {
  if (req.method === 'HEAD') return reply(res, 200);
  if (req.method === 'GET' && query.has('uploads')) return replyXml(res, 200, await listUploads(store, bucket));
  if (req.method === 'GET' && query.get('list-type') === '2') return replyXml(res, 200, await listObjectsV2(store, bucket, query));
  throw new S3Error(501, 'NotImplemented', 'This bucket operation is not supported here.');
}

/** `Authorization: AWS4-HMAC-SHA256 Credential=<id>/...` or a presigned `X-Amz-Credential`. */
function checkAccessKey(req: IncomingMessage, url: URL): void {
  const credential = /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('X-Amz-Credential')?.split('/')[0];
  if (credential !== undefined && credential !== ACCESS_KEY_ID) {
    throw new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: credential });
  }
}

async function getObject(store: Store, req: IncomingMessage, res: ServerResponse, bucket: string, key: string): Promise<void> {
  const file = await store.open(bucket, key);
  try {
    const { size, mtime } = await file.stat();
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/octet-stream',
      'Last-Modified': mtime.toUTCString(),
      ETag: `"${size.toString(16)}-${Math.floor(mtime.getTime()).toString(16)}"`,
      'Accept-Ranges': 'bytes',
    };
    let [start, end, status] = [0, size - 1, 200];
    const range = req.headers.range;
    if (range !== undefined) {
      const parsed = parseRange(range, size);
      if (parsed === 'unsatisfiable') throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: range, ActualObjectSize: String(size) });
      if (parsed) {
        [start, end, status] = [parsed.start, parsed.end, 206];
        headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
      }
    }
    headers['Content-Length'] = end - start + 1;
    if (req.method === 'HEAD' || end < start) {
      await file.close();
      reply(res, status, headers);
      return;
    }
    res.writeHead(status, headers);
    await pipeline(file.createReadStream({ start, end }), res);
  } catch (err) {
    await file.close().catch(() => undefined);
    throw err;
  }
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` against an object of `size` bytes; undefined: not a range S3 honours (the whole object). */
function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  return start >= size ? 'unsatisfiable' : { start, end };
}

async function listObjectsV2(store: Store, bucket: string, query: URLSearchParams): Promise<string> {
  const param = (name: string) => query.get(name) || undefined;
  const prefix = param('prefix') ?? '';
  const delimiter = param('delimiter');
  const token = param('continuation-token');
  const after = token === undefined ? (param('start-after') ?? '') : Buffer.from(token, 'base64url').toString();
  const maxKeys = Math.min(1000, Number(param('max-keys') ?? 1000));
  // Every key, or its common prefix when a delimiter follows the prefix: one entry each, in order.
  const entries = new Map<string, { key: string } | { prefix: string }>();
  for (const key of await store.keys(bucket, prefix)) {
    const cut = delimiter === undefined ? -1 : key.indexOf(delimiter, prefix.length);
    const common = cut < 0 ? undefined : key.slice(0, cut + delimiter!.length);
    const name = common ?? key;
    if (byteOrder(name, after) > 0 && !entries.has(name)) entries.set(name, common === undefined ? { key } : { prefix: common });
  }
  const names = [...entries.keys()].sort(byteOrder);
  const page = names.slice(0, maxKeys);
  const truncated = names.length > page.length;
  const body: string[] = [];
  for (const name of page) {
    const entry = entries.get(name)!;
    if ('prefix' in entry) {
      body.push(`<CommonPrefixes><Prefix>${xml(entry.prefix)}</Prefix></CommonPrefixes>`);
      continue;
    }
    const info = await stat(store.objectPath(bucket, entry.key)).catch(() => undefined);
    if (info) {
      body.push(`<Contents><Key>${xml(entry.key)}</Key><LastModified>${info.mtime.toISOString()}</LastModified><Size>${info.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`);
    }
  }
  return [
    `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`,
    `<Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><MaxKeys>${maxKeys}</MaxKeys><KeyCount>${page.length}</KeyCount>`,
    delimiter === undefined ? '' : `<Delimiter>${xml(delimiter)}</Delimiter>`,
    `<IsTruncated>${truncated}</IsTruncated>`,
    token === undefined ? '' : `<ContinuationToken>${xml(token)}</ContinuationToken>`,
    truncated ? `<NextContinuationToken>${Buffer.from(page[page.length - 1]).toString('base64url')}</NextContinuationToken>` : '',
    ...body,
    '</ListBucketResult>',
  ].join('');
}

async function listUploads(store: Store, bucket: string): Promise<string> {
  const uploads = await store.uploads(bucket);
  return [
    `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xml(bucket)}</Bucket><IsTruncated>false</IsTruncated>`,
    ...uploads.map((u) => `<Upload><Key>${xml(u.key)}</Key><UploadId>${u.id}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`),
    '</ListMultipartUploadsResult>',
  ].join('');
}

function initiateResult(bucket: string, key: string, uploadId: string): string {
  return `<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xml(bucket)}</Bucket><Key>${xml(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`;
}

/**
 * The files behind the buckets. Directories this process made are remembered, so that writing an
 * object costs no mkdir when its directory exists (one that went away is made again).
 */
class Store {
  readonly #made = new Set<string>();

  constructor(private readonly directory: string) {}

  async hasBucket(bucket: string): Promise<boolean> {
    if (this.#made.has(this.#bucketPath(bucket))) return true;
    const info = await stat(this.#bucketPath(bucket)).catch(() => undefined);
    if (info?.isDirectory()) this.#made.add(this.#bucketPath(bucket));
    return info?.isDirectory() ?? false;
  }

  objectPath(bucket: string, key: string): string {
    const segments = key.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..') || key.startsWith(UPLOADS)) {
      throw new S3Error(400, 'InvalidArgument', `This server cannot store a key with an empty, "." or ".." segment: ${key}`);
    }
    return path.join(this.#bucketPath(bucket), ...segments) + OBJECT_SUFFIX;
  }

  async open(bucket: string, key: string) {
    try {
      return await open(this.objectPath(bucket, key), 'r');
    } catch (err) {
      if (isMissing(err)) throw noSuchKey(key);
      throw err;
    }
  }

  /** Writes the body to a temporary file, then renames it into place; returns its ETag. */
  async put(bucket: string, key: string, body: IncomingMessage): Promise<string> {
    const target = this.objectPath(bucket, key);
    const temporary = path.join(this.#bucketPath(bucket), UPLOADS, `put-${randomBytes(8).toString('hex')}`);
    const etag = await this.#receive(body, temporary);
    await this.#renameInto(temporary, target);
    return etag;
  }

  async remove(bucket: string, key: string): Promise<void> {
    await rm(this.objectPath(bucket, key), { force: true });
  }

  /** Every key under `prefix`. */
  async keys(bucket: string, prefix: string): Promise<string[]> {
    // Only the directory the prefix names (or its parent) is walked.
    const walked = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const root = path.join(this.#bucketPath(bucket), ...walked.split('/').filter(Boolean));
    const files = await readdir(root, { recursive: true }).catch((err) => (isMissing(err) || err.code === 'ENOTDIR' ? [] : Promise.reject(err)));
    const base = walked ? `${walked}/` : '';
    return files
      .filter((file) => file.endsWith(OBJECT_SUFFIX) && !file.startsWith(UPLOADS))
      .map((file) => base + file.slice(0, -OBJECT_SUFFIX.length).split(path.sep).join('/'))
      .filter((key) => key.startsWith(prefix));
  }

  async createUpload(bucket: string, key: string): Promise<string> {
    this.objectPath(bucket, key); // a key it could not store is refused now
    const id = randomBytes(16).toString('hex');
    const dir = this.#uploadPath(bucket, id);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'upload.json'), JSON.stringify({ key, initiated: new Date().toISOString() }));
    return id;
  }

  async uploadPart(bucket: string, key: string, id: string, partNumber: number, body: IncomingMessage): Promise<string> {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) throw new S3Error(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive.');
    const dir = await this.#upload(bucket, key, id);
    const temporary = path.join(dir, `receiving-${partNumber}-${randomBytes(4).toString('hex')}`);
    const etag = await this.#receive(body, temporary);
    // The part's file name carries its ETag: a part sent again replaces the earlier one.
    for (const file of await readdir(dir)) if (file.startsWith(`part-${partNumber}.`)) await rm(path.join(dir, file), { force: true });
    await rename(temporary, path.join(dir, `part-${partNumber}.${JSON.parse(etag)}`));
    return etag;
  }

  /** Joins the parts `manifest` names, in its order, into the object, after S3's checks. */
  async completeUpload(bucket: string, key: string, id: string, manifest: string): Promise<string> {
    const dir = await this.#upload(bucket, key, id);
    const wanted = [...manifest.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
      number: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(m[1])?.[1]),
      etag: /<ETag>(?:&quot;|")?([0-9a-f]+)(?:&quot;|")?<\/ETag>/.exec(m[1])?.[1],
    }));
    if (wanted.length === 0) throw new S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    const files = new Set(await readdir(dir));
    const parts: string[] = [];
    for (const [i, part] of wanted.entries()) {
      if (i > 0 && part.number <= wanted[i - 1].number) throw new S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order.');
      const file = `part-${part.number}.${part.etag}`;
      if (!files.has(file)) throw new S3Error(400, 'InvalidPart', `Part ${part.number} could not be found or its ETag does not match.`);
      parts.push(path.join(dir, file));
    }
    const sizes = await Promise.all(parts.map(async (p) => (await stat(p)).size));
    if (sizes.slice(0, -1).some((size) => size < MIN_PART_BYTES)) throw new S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
    const joined = path.join(dir, 'joined');
    const out = createWriteStream(joined);
    await pipeline(async function* () {
      for (const p of parts) yield* createReadStream(p);
    }, out);
    await this.#renameInto(joined, this.objectPath(bucket, key));
    await rm(dir, { recursive: true, force: true });
    const md5s = Buffer.concat(wanted.map((p) => Buffer.from(p.etag!, 'hex')));
    return `"${createHash('md5').update(md5s).digest('hex')}-${wanted.length}"`;
  }

  async abortUpload(bucket: string, id: string): Promise<void> {
    if (!/^[0-9a-f]+$/.test(id)) throw noSuchUpload(id);
    await rm(this.#uploadPath(bucket, id), { recursive: true, force: true });
  }

  async uploads(bucket: string): Promise<{ id: string; key: string; initiated: Date }[]> {
    const dir = path.join(this.#bucketPath(bucket), UPLOADS);
    const ids = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^[0-9a-f]{32}$/.test(name));
    const found = await Promise.all(
      ids.map(async (id) => {
        const info = await readFile(path.join(dir, id, 'upload.json'), 'utf8').then(JSON.parse, () => undefined);
        return info && { id, key: info.key as string, initiated: new Date(info.initiated) };
      }),
    );
    return found.filter((u) => u !== undefined).sort((a, b) => byteOrder(a.key, b.key));
  }

  #bucketPath(bucket: string): string {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket });
    return path.join(this.directory, bucket);
  }

  #uploadPath(bucket: string, id: string): string {
    return path.join(this.#bucketPath(bucket), UPLOADS, id);
  }

  async #upload(bucket: string, key: string, id: string): Promise<string> {
    const dir = this.#uploadPath(bucket, /^[0-9a-f]+$/.test(id) ? id : 'none');
    const info = await readFile(path.join(dir, 'upload.json'), 'utf8').then(JSON.parse, () => undefined);
    if (!info || info.key !== key) throw noSuchUpload(id);
    return dir;
  }

  /** Streams a request body into `file`; rejects (and removes the file) unless all of Content-Length arrived. */
  async #receive(body: IncomingMessage, file: string): Promise<string> {
    const md5 = createHash('md5');
    let received = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done: TransformCallback) {
        md5.update(chunk);
        received += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await this.#ensureDir(path.dirname(file));
      await pipeline(body, tap, createWriteStream(file));
      const declared = body.headers['content-length'];
      if (declared !== undefined && Number(declared) !== received) throw new S3Error(400, 'IncompleteBody', `Got ${received} of ${declared} bytes.`);
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    return `"${md5.digest('hex')}"`;
  }

  async #renameInto(from: string, to: string): Promise<void> {
    const dir = path.dirname(to);
    if (!this.#made.has(dir)) await this.#ensureDir(dir);
    try {
      await rename(from, to);
    } catch (err) {
      if (!isMissing(err)) throw err;
      this.#made.delete(dir);
      await this.#ensureDir(dir);
      await rename(from, to);
    }
  }

  async #ensureDir(dir: string): Promise<void> {
    if (this.#made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.#made.add(dir);
  }
}

function reply(res: ServerResponse, status: number, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

function replyXml(res: ServerResponse, status: number, body: string): void {
  const bytes = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': bytes.length });
  res.end(bytes);
}

function fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const e = err instanceof S3Error ? err : new S3Error(500, 'InternalError', err instanceof Error ? err.message : String(err));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // The rest of a refused upload is read and dropped, so that the connection stays usable.
  if (!req.complete) req.resume();
  if (req.method === 'HEAD') return reply(res, e.status);
  const extra = Object.entries(e.extra).map(([name, value]) => `<${name}>${xml(value)}</${name}>`);
  replyXml(res, e.status, `<Error><Code>${e.code}</Code><Message>${xml(e.message)}</Message>${extra.join('')}<RequestId>${randomBytes(8).toString('hex')}</RequestId></Error>`);
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
