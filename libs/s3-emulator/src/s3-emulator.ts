/**
 * An S3-compatible server on loopback (s3rver) that plays Cloudflare R2 and Backblaze B2 in tests
 * and in `npm start` (until real endpoints are configured).
 * s3rver stores each object as `<directory>/<bucket>/<key>._S3rver_object`, the exact bytes
 * received, and keeps multipart uploads in progress under `<directory>/<bucket>/._S3rver_uploads/`.
 *
 * s3rver 3.7.1 lacks some of what the S3 API guarantees; the server started here adds it, so the
 * drivers under test never need to know they talk to s3rver:
 * - ListObjectsV2 pages: s3rver's continuation tokens use DES, which Node's OpenSSL 3 refuses (every
 *   truncated listing fails with 500 InternalError), and it walks directories unsorted, so pages
 *   would skip keys. Listings without a delimiter are answered here, sorted and paginated.
 * - AbortMultipartUpload (s3rver answers 405): the upload's parts are deleted.
 * - `Range: bytes=0-0` (s3rver returns the whole object): the first byte only.
 * Still missing: ListMultipartUploads (501; look under `._S3rver_uploads/` instead), listings with
 * a delimiter that span pages, signature checks (only the access key id `S3RVER` is checked), and
 * atomic PutObject (an upload cut off midway leaves a partial object).
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import net from 'node:net';

export interface S3TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Where s3rver keeps buckets and objects. */
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

export async function startS3Server(options: S3TestServerOptions = {}): Promise<S3TestServer> {
  const port = options.port ?? (await anyFreePort());
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(path.join(os.tmpdir(), 'lifeboat-s3rver-')));
  const buckets = options.buckets ?? ['securesyntax'];
  let running: S3rver | undefined;

  const start = async (): Promise<void> => {
    if (running) return;
    // A new instance each time: s3rver closes its logger when its HTTP server closes.
    const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
    server.middleware.unshift(listObjectsV2(directory), abortMultipartUpload(directory), firstByteRange);
    // s3rver closes its logger when its HTTP server closes, yet responses cut off by stop() are
    // logged after that (and winston complains on stderr): keep it open, it holds no resources.
    server.logger.close = () => undefined;
    await server.run();
    running = server;
  };

  const stop = async (): Promise<void> => {
    const server = running;
    if (!server) return;
    running = undefined;
    const closed = server.close();
    server.httpServer?.closeAllConnections();
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

const OBJECT_SUFFIX = '._S3rver_object';

/** `GET /<bucket>?list-type=2` without a delimiter: keys in UTF-8 byte order, pages of `max-keys`
 *  (at most 1000), the continuation token being the last key returned, base64url-encoded. */
function listObjectsV2(directory: string): S3rver.Middleware {
  return async (ctx, next) => {
    const bucket = /^\/([^/]+)\/?$/.exec(ctx.path)?.[1];
    const query = (name: string): string | undefined => {
      const value = ctx.query[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    if (ctx.method !== 'GET' || bucket === undefined || query('list-type') !== '2' || query('delimiter') !== undefined) return next();
    const bucketPath = path.join(directory, bucket);
    const files = await readdir(bucketPath, { recursive: true }).catch(() => undefined);
    if (files === undefined) return next(); // s3rver answers NoSuchBucket
    const prefix = query('prefix') ?? '';
    const token = query('continuation-token');
    const after = token === undefined ? (query('start-after') ?? '') : Buffer.from(token, 'base64url').toString();
    const maxKeys = Math.min(1000, Number(query('max-keys') ?? 1000));
    const keys = files
      .filter((file) => file.endsWith(OBJECT_SUFFIX))
      .map((file) => file.slice(0, -OBJECT_SUFFIX.length).split(path.sep).join('/'))
      .filter((key) => key.startsWith(prefix) && Buffer.compare(Buffer.from(key), Buffer.from(after)) > 0)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = keys.slice(0, maxKeys);
    const truncated = keys.length > page.length;
    const contents = await Promise.all(
      page.map(async (key) => {
        const info = await stat(path.join(bucketPath, `${key}${OBJECT_SUFFIX}`));
        return `<Contents><Key>${xml(key)}</Key><LastModified>${info.mtime.toISOString()}</LastModified><Size>${info.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
      }),
    );
    ctx.type = 'application/xml';
    ctx.body = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><MaxKeys>${maxKeys}</MaxKeys><KeyCount>${page.length}</KeyCount>`,
      `<IsTruncated>${truncated}</IsTruncated>`,
      token === undefined ? '' : `<ContinuationToken>${xml(token)}</ContinuationToken>`,
      truncated ? `<NextContinuationToken>${Buffer.from(page[page.length - 1]).toString('base64url')}</NextContinuationToken>` : '',
      ...contents,
      '</ListBucketResult>',
    ].join('');
  };
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `DELETE /<bucket>/<key>?uploadId=<id>`: deletes the parts s3rver keeps for the upload. */
function abortMultipartUpload(directory: string): S3rver.Middleware {
  return async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    if (ctx.method !== 'DELETE' || typeof uploadId !== 'string' || !/^[0-9a-f]+$/.test(uploadId)) return next();
    const bucket = ctx.path.split('/')[1];
    await rm(path.join(directory, bucket, '._S3rver_uploads', uploadId), { recursive: true, force: true });
    ctx.status = 204;
  };
}

/** s3rver reads `bytes=0-0` as "from 0 to the end"; S3 returns the first byte. */
const firstByteRange: S3rver.Middleware = async (ctx, next) => {
  if (ctx.method !== 'GET' || ctx.get('range') !== 'bytes=0-0') return next();
  await next();
  const whole = ctx.body;
  const size = /\/(\d+)$/.exec(ctx.response.get('content-range'))?.[1];
  if (ctx.status !== 206 || !(whole instanceof Readable) || size === undefined) return;
  ctx.body = Readable.from(firstByte(whole), { objectMode: false });
  ctx.set('Content-Range', `bytes 0-0/${size}`);
  ctx.length = 1;
};

async function* firstByte(stream: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    yield chunk.subarray(0, 1);
    return;
  }
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
