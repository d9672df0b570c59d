/**
 * The `s3` driver, for S3-compatible services (Cloudflare R2, Backblaze B2; libs/s3-emulator in
 * tests).
 * A save whose length is known and fits in one part is one PutObject; any other goes through
 * `@aws-sdk/lib-storage`: one PutObject if it turns out to fit in one part, otherwise a multipart
 * upload that becomes visible only with CompleteMultipartUpload and is aborted on failure.
 * Memory per save is about (queueSize + 1) × partSize, whatever the object's size.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type Secret } from '@lifeboat/config';
import { LifeboatError } from '@lifeboat/errors';
import { validateKey, validatePrefix, validateRange } from './keys';
import { locationVariable } from './location-variables';
import { type ByteRange, type ListedObject, type ObjectInfo, type SaveBody, type SaveOptions, type Storage, type StorageUsage } from './storage';
import { SaveSource, withClassifiedErrors } from './streams';

export interface S3StorageConfig {
  /** The location's name, used in errors. */
  name: string;
  /** e.g. `https://<account>.r2.cloudflarestorage.com`; buckets are addressed path-style. */
  endpoint: string;
  region: string;
  bucket: string;
  /** Put in front of every key (e.g. `lifeboat/`), so several installations can share a bucket. Default: none. */
  prefix?: string;
  accessKeyId: string;
  secretAccessKey: Secret;
  /** Bytes per multipart part, at least 5 MiB. Default 8 MiB (raised when `contentLength` needs more than 10,000 parts). */
  partSize?: number;
  /** Parts in flight at once per save. Default 2. */
  queueSize?: number;
  /** Keys per ListObjectsV2 page, at most 1000. Default 1000. */
  listPageSize?: number;
  /** Time allowed to open a TCP connection. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** Time a connection may stay silent during a request or a download before it fails. Default 30000 ms. */
  idleTimeoutMs?: number;
}

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;
/** Error codes of a connection that failed or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNABORTED',
  'EADDRNOTAVAIL',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequests', 'TooManyRequestsException', 'RequestLimitExceeded']);
const BAD_CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken']);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

export class S3Storage implements Storage {
  readonly kind = 'S3';
  readonly capabilities = { ranges: true, multipart: true } as const;
  readonly name: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly endpoint: string;
  private readonly keyPrefix: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly listPageSize: number;

  constructor(config: S3StorageConfig) {
    this.name = config.name;
    this.bucket = config.bucket;
    this.endpoint = config.endpoint;
    const prefix = (config.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.keyPrefix = prefix === '' ? '' : `${prefix}/`;
    this.partSize = config.partSize ?? 8 * MiB;
    this.queueSize = config.queueSize ?? 2;
    this.listPageSize = config.listPageSize ?? 1000;
    if (this.partSize < 5 * MiB || this.queueSize < 1 || this.listPageSize < 1 || this.listPageSize > 1000) {
      throw new LifeboatError(
        'CONFIG_INVALID',
        `location ${this.name}: needs partSize >= 5 MiB, queueSize >= 1 and listPageSize in 1..1000, got ${this.partSize}, ${this.queueSize} and ${this.listPageSize}`,
        { details: { location: this.name } },
      );
    }
    const { accessKeyId, secretAccessKey } = config;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: true,
      // With the SDK's default flexible checksums a streamed upload is stored with its aws-chunked
      // framing inside the object on S3-compatible services: silent corruption (STACK.md).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // Revealed per request, so the secret never sits in the client's printable configuration.
      credentials: () => Promise.resolve({ accessKeyId, secretAccessKey: secretAccessKey.reveal() }),
      // One quick transport-level retry; backoff and bounded retries belong to the retry wrapper.
      maxAttempts: 2,
      // An unreachable endpoint fails in seconds, and a download from a server that went silent errors.
      requestHandler: { connectionTimeout: config.connectTimeoutMs ?? 3000, socketTimeout: config.idleTimeoutMs ?? 30_000 },
    });
  }

  async save(key: string, body: SaveBody, options?: SaveOptions): Promise<{ sizeBytes: number }> {
    const source = await SaveSource.open(this.name, key, body, options);
    const objectKey = this.objectKey(key);
    if (options?.contentLength !== undefined && options.contentLength <= this.partSize) return this.#put(source, objectKey, key, options.signal);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: objectKey, Body: source.stream },
      partSize: this.partSizeFor(options?.contentLength),
      queueSize: this.queueSize,
      // Aborted below instead, so that the error the caller sees is the save's, not the abort's.
      leavePartsOnError: true,
    });
    try {
      await upload.done();
      return { sizeBytes: source.sizeBytes };
    } catch (err) {
      source.destroy();
      if (upload.uploadId !== undefined) {
        // Best effort: if the location is down, the incomplete upload stays (invisible, but billed)
        // until the bucket's AbortIncompleteMultipartUpload lifecycle rule removes it.
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, UploadId: upload.uploadId }))
          .catch(() => undefined);
      }
      throw source.failure ?? this.classify(err, 'save', key);
    }
  }

  /**
   * A body known to fit in one part (what Upload would buffer anyway), read whole and sent as one
   * PutObject: Upload's machinery costs about 1.6 ms more CPU per object, and replication writes
   * small objects (tenant archives, manifests) by the thousand.
   */
  async #put(source: SaveSource, objectKey: string, key: string, signal: AbortSignal | undefined): Promise<{ sizeBytes: number }> {
    try {
      const bytes = await buffer(source.stream);
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: bytes, ContentLength: bytes.length }), { abortSignal: signal });
      return { sizeBytes: source.sizeBytes };
    } catch (err) {
      source.destroy();
      throw source.failure ?? (signal?.aborted ? signal.reason : this.classify(err, 'save', key));
    }
  }

  async load(key: string, range?: ByteRange): Promise<Readable> {
    const objectKey = this.objectKey(key);
    validateRange(this.name, range);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, Range: range && `bytes=${range.start}-${range.end ?? ''}` }),
      );
      if (!(out.Body instanceof Readable)) throw new Error('the response has no readable body');
      if (range && !coversRange(out.ContentRange, range)) {
        out.Body.destroy();
        throw new Error(`asked for bytes ${range.start}-${range.end ?? ''}, got ${out.ContentRange ?? 'the whole object'}`);
      }
      return withClassifiedErrors(out.Body, (err) => this.classify(err, 'load', key));
    } catch (err) {
      throw this.classify(err, 'load', key);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const objectKey = this.objectKey(key);
    // A HEAD answer has no error code: a missing bucket reads as a missing object here (ping tells).
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return { sizeBytes: out.ContentLength ?? 0, modifiedAt: out.LastModified ?? new Date(0) };
    } catch (err) {
      const classified = this.classify(err, 'stat', key);
      if (classified.code === 'OBJECT_NOT_FOUND') return undefined;
      throw classified;
    }
  }

  async *list(prefix: string): AsyncGenerator<ListedObject> {
    validatePrefix(this.name, prefix);
    const pages = paginateListObjectsV2({ client: this.client, pageSize: this.listPageSize }, { Bucket: this.bucket, Prefix: this.keyPrefix + prefix });
    try {
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          if (object.Key === undefined) continue;
          yield { key: object.Key.slice(this.keyPrefix.length), sizeBytes: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
        }
      }
    } catch (err) {
      throw this.classify(err, 'list', prefix);
    }
  }

  async remove(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (err) {
      // S3 answers 204 for a missing key; some compatible services answer 404.
      const classified = this.classify(err, 'remove', key);
      if (classified.code !== 'OBJECT_NOT_FOUND') throw classified;
    }
  }

  async usage(): Promise<StorageUsage> {
    const usage = { usedBytes: 0, objectCount: 0 };
    for await (const object of this.list('')) {
      usage.usedBytes += object.sizeBytes;
      usage.objectCount += 1;
    }
    return usage;
  }

  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      throw this.classify(err, 'ping');
    }
  }

  private objectKey(key: string): string {
    validateKey(this.name, key);
    return this.keyPrefix + key;
  }

  /** The configured part size, or more when the declared length would need more than 10,000 parts. */
  private partSizeFor(contentLength: number | undefined): number {
    if (contentLength === undefined) return this.partSize;
    return Math.max(this.partSize, Math.ceil(contentLength / MAX_PARTS / MiB) * MiB);
  }

  private classify(err: unknown, operation: string, key?: string): LifeboatError {
    if (err instanceof LifeboatError) return err;
    const e = (err ?? {}) as SdkError;
    const status = e.$metadata?.httpStatusCode;
    const name = e.name ?? '';
    const reason = e.message && e.message !== 'UnknownError' ? e.message : `HTTP ${status ?? '?'} ${name}`;
    const subject = key === undefined ? `${operation} bucket ${this.bucket}` : `${operation} ${JSON.stringify(key)}`;
    const message = `location ${this.name}: cannot ${subject} at ${this.endpoint}: ${reason}`;
    const options = { cause: err, details: { location: this.name, operation, key, bucket: this.bucket, cause: e.code ?? name, status } };
    const credentials = `${locationVariable(this.name, 'ACCESS_KEY_ID')} and ${locationVariable(this.name, 'SECRET_ACCESS_KEY')}`;

    if (status === undefined && (NETWORK_CODES.has(e.code ?? '') || name === 'TimeoutError' || /socket hang up|aborted/i.test(e.message ?? ''))) {
      const hint =
        e.code === 'ENOTFOUND'
          ? `check the host name in ${locationVariable(this.name, 'ENDPOINT')} (${this.endpoint})`
          : `check that ${this.endpoint} is up and reachable from this host (${locationVariable(this.name, 'ENDPOINT')})`;
      return new LifeboatError('LOCATION_UNAVAILABLE', message, { ...options, hint });
    }
    if (name === 'NoSuchBucket' || (operation === 'ping' && status === 404)) {
      return new LifeboatError('CONFIG_INVALID', `location ${this.name}: bucket ${this.bucket} does not exist at ${this.endpoint}`, {
        ...options,
        hint: `create bucket ${this.bucket} or set ${locationVariable(this.name, 'BUCKET')}`,
      });
    }
    if (name === 'NoSuchKey' || status === 404) {
      return new LifeboatError('OBJECT_NOT_FOUND', `location ${this.name}: no object ${key ?? ''}`, options);
    }
    if (BAD_CREDENTIALS.has(name) || status === 401) {
      return new LifeboatError('UNAUTHENTICATED', message, { ...options, hint: `check ${credentials}` });
    }
    if (status === 403) {
      return new LifeboatError('FORBIDDEN', message, {
        ...options,
        hint: `check ${credentials}, and that they may read, write and delete in bucket ${this.bucket}`,
      });
    }
    if (name === 'InvalidRange' || status === 416) return new LifeboatError('BAD_USER_INPUT', message, options);
    if (status === 501) {
      return new LifeboatError('INTERNAL', message, { ...options, hint: `the service at ${this.endpoint} does not implement this S3 operation` });
    }
    if (THROTTLING.has(name) || status === 429 || (status !== undefined && status >= 500) || Boolean(e.$retryable)) {
      return new LifeboatError('LOCATION_UNAVAILABLE', message, options);
    }
    return new LifeboatError('INTERNAL', message, options);
  }
}

/** Whether a `Content-Range: bytes first-last/size` answers the requested range exactly. */
function coversRange(contentRange: string | undefined, range: ByteRange): boolean {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange ?? '');
  if (!match) return false;
  const [first, last, size] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const expectedLast = Math.min(range.end ?? Infinity, Number.isNaN(size) ? last : size - 1);
  return first === range.start && last === expectedLast;
}
