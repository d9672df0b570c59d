/**
 * Chunked authenticated encryption of artifacts (format version 1; docs/format.md gives every
 * byte). Each artifact gets a random data key, wrapped by the keyring's current master key and
 * stored in the header; the plaintext is cut into fixed-size chunks sealed one by one with
 * AES-256-GCM, so both directions stream in the memory of one chunk whatever the artifact's size.
 *
 * Every chunk's nonce and additional data bind the artifact's header, the chunk's index and
 * whether it is the final chunk: dropping, reordering, duplicating or splicing chunks, cutting the
 * artifact short and flipping any byte are all detected.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual, type DecipherGCM } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { LifeboatError, type SafeDetails } from '@lifeboat/errors';
import { MASTER_KEYS_VARIABLE, keyCheckOf, masterKeyOf, type Keyring } from './keyring';

export const FORMAT_VERSION = 1;
const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** The largest chunk a reader accepts: it bounds the reader's memory whatever a header claims. */
const MAX_CHUNK_SIZE = 64 * 1024 * 1024;

const MAGIC = Buffer.from('LIFEBOAT', 'ascii');
const CIPHER = 'aes-256-gcm';
const DATA_KEY_BYTES = 32;
const NONCE_PREFIX_BYTES = 8;
const WRAP_NONCE_BYTES = 12;
const KEY_CHECK_BYTES = 16;
const TAG_BYTES = 16;
/** magic, version, chunk size, nonce prefix, key id length: everything before the key id. */
const PREFIX_BYTES = MAGIC.length + 1 + 4 + NONCE_PREFIX_BYTES + 1;
/** key check, wrap nonce, wrapped data key and its tag: everything after the key id. */
const SUFFIX_BYTES = KEY_CHECK_BYTES + WRAP_NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES;
/** Frame marker (1 byte) and ciphertext length (u32 BE) before each chunk. */
const FRAME_BYTES = 5;
const MORE = 0x00;
const FINAL = 0x01;
const MAX_CHUNKS = 2 ** 32;
const KEY_ID = /^[A-Za-z0-9_.-]+$/;

/** What a header tells without any key. */
export interface ArtifactHeader {
  formatVersion: number;
  /** The master key that wraps this artifact's data key. */
  keyId: string;
  /** Plaintext bytes in every chunk but the final one. */
  chunkSize: number;
  /** The header's own length: the first chunk frame starts at this offset. */
  headerBytes: number;
}

interface Header extends ArtifactHeader {
  bytes: Buffer;
  noncePrefix: Buffer;
  keyCheck: Buffer;
  wrapNonce: Buffer;
  wrappedKey: Buffer;
  wrapTag: Buffer;
}

export interface EncryptOptions {
  /** Plaintext bytes per chunk, recorded in the header; 1 byte to 64 MiB, default 1 MiB. */
  chunkSize?: number;
}

const TAMPERED_HINT =
  'do not restore from this copy: use the same backup from another location or an older backup, and find out what altered this one';
const TRUNCATED_HINT = 'the artifact was cut short (an interrupted upload, download or copy): fetch it again or use another copy';

function tampered(message: string, details: SafeDetails = {}): LifeboatError {
  return new LifeboatError('TAMPERED', message, { hint: TAMPERED_HINT, details });
}

function truncated(message: string, details: SafeDetails = {}): LifeboatError {
  return new LifeboatError('TRUNCATED', message, { hint: TRUNCATED_HINT, details });
}

/** Whether `bytes` could be the start of an artifact: they agree with the magic as far as both go. */
function startsLikeMagic(bytes: Buffer): boolean {
  const n = Math.min(bytes.length, MAGIC.length);
  return bytes.subarray(0, n).equals(MAGIC.subarray(0, n));
}

function notAnArtifact(): LifeboatError {
  return tampered('not a Lifeboat encrypted artifact: it does not start with "LIFEBOAT"');
}

/** Chunk i's nonce: the artifact's random 8-byte prefix, then i as u32 BE. */
function chunkNonce(noncePrefix: Buffer, index: number): Buffer {
  const nonce = Buffer.alloc(NONCE_PREFIX_BYTES + 4);
  noncePrefix.copy(nonce);
  nonce.writeUInt32BE(index, NONCE_PREFIX_BYTES);
  return nonce;
}

/** Chunk i's additional data: SHA-256 of the whole header, i as u32 BE, the frame marker. */
function chunkAad(headerHash: Buffer, index: number, marker: number): Buffer {
  const aad = Buffer.alloc(headerHash.length + 5);
  headerHash.copy(aad);
  aad.writeUInt32BE(index, headerHash.length);
  aad[headerHash.length + 4] = marker;
  return aad;
}

/**
 * Validates the fixed prefix of a header and returns the header's total length.
 * `prefix` holds at least PREFIX_BYTES bytes.
 */
function headerLength(prefix: Buffer): number {
  if (!startsLikeMagic(prefix)) throw notAnArtifact();
  const version = prefix[MAGIC.length];
  if (version !== FORMAT_VERSION) {
    throw tampered(`unsupported artifact format version ${version} (this Lifeboat reads version ${FORMAT_VERSION})`, { version });
  }
  const chunkSize = prefix.readUInt32BE(MAGIC.length + 1);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw tampered(`the header's chunk size ${chunkSize} is outside 1..${MAX_CHUNK_SIZE}`, { chunkSize });
  }
  const keyIdLength = prefix[PREFIX_BYTES - 1];
  if (keyIdLength === 0) throw tampered('the header has an empty key id');
  return PREFIX_BYTES + keyIdLength + SUFFIX_BYTES;
}

/** Decodes a complete header (`bytes` is exactly headerLength long); no key needed. */
function decodeHeader(bytes: Buffer): Header {
  let at = MAGIC.length + 1;
  const field = (n: number): Buffer => bytes.subarray(at, (at += n));
  const chunkSize = field(4).readUInt32BE(0);
  const noncePrefix = field(NONCE_PREFIX_BYTES);
  const keyIdLength = field(1)[0];
  const keyId = field(keyIdLength).toString('latin1');
  if (!KEY_ID.test(keyId)) throw tampered('the header has a key id with characters outside A-Z a-z 0-9 _ . -');
  return {
    formatVersion: FORMAT_VERSION,
    keyId,
    chunkSize,
    headerBytes: bytes.length,
    bytes,
    noncePrefix,
    keyCheck: field(KEY_CHECK_BYTES),
    wrapNonce: field(WRAP_NONCE_BYTES),
    wrappedKey: field(DATA_KEY_BYTES),
    wrapTag: field(TAG_BYTES),
  };
}

/** The header bytes that the data key's wrapping authenticates: everything before the wrapped key. */
function wrapAad(header: Buffer): Buffer {
  return header.subarray(0, header.length - DATA_KEY_BYTES - TAG_BYTES);
}

function encodeHeader(keyring: Keyring, chunkSize: number, dataKey: Buffer, noncePrefix: Buffer): Buffer {
  const keyId = keyring.currentKeyId;
  const masterKey = masterKeyOf(keyring, keyId);
  if (masterKey === undefined) throw new LifeboatError('INTERNAL', `keyring has no material for its current key "${keyId}"`);
  const id = Buffer.from(keyId, 'latin1');
  const head = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(head);
  head[MAGIC.length] = FORMAT_VERSION;
  head.writeUInt32BE(chunkSize, MAGIC.length + 1);
  noncePrefix.copy(head, MAGIC.length + 5);
  head[PREFIX_BYTES - 1] = id.length;
  const wrapNonce = randomBytes(WRAP_NONCE_BYTES);
  const aad = Buffer.concat([head, id, keyCheckOf(masterKey), wrapNonce]);
  const wrap = createCipheriv(CIPHER, masterKey, wrapNonce);
  wrap.setAAD(aad);
  const wrapped = Buffer.concat([wrap.update(dataKey), wrap.final()]);
  return Buffer.concat([aad, wrapped, wrap.getAuthTag()]);
}

/** Finds the master key of the header and unwraps the data key: WRONG_KEY or TAMPERED otherwise. */
function unwrapDataKey(keyring: Keyring, header: Header): Buffer {
  const masterKey = masterKeyOf(keyring, header.keyId);
  if (masterKey === undefined) {
    throw new LifeboatError(
      'WRONG_KEY',
      `the artifact was encrypted with master key "${header.keyId}", which is not configured (configured: ${keyring.keyIds.join(', ')})`,
      {
        hint: `add the key "${header.keyId}" to ${MASTER_KEYS_VARIABLE} after the current key, or pass a --key-file that holds it`,
        details: { keyId: header.keyId, configuredKeyIds: [...keyring.keyIds] },
      },
    );
  }
  // The key check comes before unwrapping so that a failed unwrap can only mean an altered header.
  if (!timingSafeEqual(keyCheckOf(masterKey), header.keyCheck)) {
    throw new LifeboatError(
      'WRONG_KEY',
      `the configured master key "${header.keyId}" is not the key this artifact was encrypted with (its key check differs)`,
      {
        hint: `find the original material of key "${header.keyId}": a key id must never be given new material, because artifacts keep naming the old one`,
        details: { keyId: header.keyId },
      },
    );
  }
  const unwrap = createDecipheriv(CIPHER, masterKey, header.wrapNonce);
  unwrap.setAAD(wrapAad(header.bytes));
  unwrap.setAuthTag(header.wrapTag);
  const dataKey = unwrap.update(header.wrappedKey);
  try {
    unwrap.final();
  } catch {
    throw tampered('the artifact header fails authentication: it was altered', { keyId: header.keyId });
  }
  return dataKey;
}

class EncryptStream extends Transform {
  readonly #chunkSize: number;
  readonly #dataKey: Buffer;
  readonly #noncePrefix: Buffer;
  readonly #header: Buffer;
  readonly #headerHash: Buffer;
  #headerSent = false;
  /**
   * The chunk being filled. Input is copied, not held by reference, so that a writer reusing its
   * buffer after the write completes cannot change what gets encrypted.
   */
  readonly #plain: Buffer;
  #filled = 0;
  #index = 0;

  constructor(keyring: Keyring, chunkSize: number) {
    super();
    this.#chunkSize = chunkSize;
    this.#plain = Buffer.allocUnsafe(chunkSize);
    this.#dataKey = randomBytes(DATA_KEY_BYTES);
    this.#noncePrefix = randomBytes(NONCE_PREFIX_BYTES);
    this.#header = encodeHeader(keyring, chunkSize, this.#dataKey, this.#noncePrefix);
    this.#headerHash = createHash('sha256').update(this.#header).digest();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.#sendHeader();
      for (let at = 0; at < chunk.length; ) {
        const n = Math.min(chunk.length - at, this.#chunkSize - this.#filled);
        chunk.copy(this.#plain, this.#filled, at, at + n);
        this.#filled += n;
        at += n;
        // A full chunk is never the final one: the final chunk is always shorter than chunkSize
        // (empty when the plaintext fills whole chunks), so readers can tell a cut at a chunk
        // boundary from the end.
        if (this.#filled === this.#chunkSize) this.#seal(MORE);
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.#sendHeader();
      this.#seal(FINAL);
      this.#dataKey.fill(0);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _destroy(err: Error | null, done: (error?: Error | null) => void): void {
    this.#dataKey.fill(0);
    done(err);
  }

  #sendHeader(): void {
    if (this.#headerSent) return;
    this.#headerSent = true;
    this.push(this.#header);
  }

  #seal(marker: number): void {
    if (this.#index >= MAX_CHUNKS) {
      throw new LifeboatError('BAD_USER_INPUT', `an artifact holds at most ${MAX_CHUNKS} chunks: use a larger chunk size`);
    }
    const cipher = createCipheriv(CIPHER, this.#dataKey, chunkNonce(this.#noncePrefix, this.#index));
    cipher.setAAD(chunkAad(this.#headerHash, this.#index, marker));
    const frame = Buffer.alloc(FRAME_BYTES);
    frame[0] = marker;
    frame.writeUInt32BE(this.#filled, 1);
    this.push(frame);
    this.push(cipher.update(this.#plain.subarray(0, this.#filled)));
    cipher.final();
    this.push(cipher.getAuthTag());
    this.#filled = 0;
    this.#index++;
  }
}

type DecryptState = 'prefix' | 'header' | 'frame' | 'body' | 'tag' | 'end';

class DecryptStream extends Transform {
  readonly #keyring: Keyring;
  #state: DecryptState = 'prefix';
  /** The fixed-size field being gathered (header, frame or tag) and how much of it has arrived. */
  #field: Buffer = Buffer.alloc(PREFIX_BYTES);
  #filled = 0;
  #header?: Header;
  #headerHash: Buffer = Buffer.alloc(0);
  #dataKey: Buffer = Buffer.alloc(0);
  #index = 0;
  #marker = MORE;
  #remaining = 0;
  #decipher?: DecipherGCM;
  /** Plaintext of the current chunk, held back until its tag verifies. */
  #plain: Buffer[] = [];
  #offset = 0;

  constructor(keyring: Keyring) {
    super();
    this.#keyring = keyring;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.#consume(chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    this.#dataKey.fill(0);
    done(this.#state === 'end' ? null : this.#cutShort());
  }

  override _destroy(err: Error | null, done: (error?: Error | null) => void): void {
    this.#dataKey.fill(0);
    done(err);
  }

  #consume(chunk: Buffer): void {
    for (let at = 0; at < chunk.length; ) {
      if (this.#state === 'end') {
        throw tampered('the artifact continues after its final chunk', { offset: this.#offset });
      }
      if (this.#state === 'body') {
        const n = Math.min(this.#remaining, chunk.length - at);
        this.#plain.push(this.#decipher!.update(chunk.subarray(at, at + n)));
        this.#remaining -= n;
        this.#offset += n;
        at += n;
        if (this.#remaining === 0) this.#expect('tag', TAG_BYTES);
        continue;
      }
      const n = Math.min(this.#field.length - this.#filled, chunk.length - at);
      chunk.copy(this.#field, this.#filled, at, at + n);
      this.#filled += n;
      this.#offset += n;
      at += n;
      if (this.#filled === this.#field.length) this.#fieldComplete();
    }
  }

  #expect(state: DecryptState, bytes: number): void {
    this.#state = state;
    this.#field = Buffer.alloc(bytes);
    this.#filled = 0;
  }

  #fieldComplete(): void {
    switch (this.#state) {
      case 'prefix': {
        const prefix = this.#field;
        this.#expect('header', headerLength(prefix));
        prefix.copy(this.#field);
        this.#filled = prefix.length;
        return;
      }
      case 'header': {
        const header = decodeHeader(this.#field);
        this.#dataKey = unwrapDataKey(this.#keyring, header);
        this.#header = header;
        this.#headerHash = createHash('sha256').update(header.bytes).digest();
        this.#expect('frame', FRAME_BYTES);
        return;
      }
      case 'frame':
        this.#startChunk(this.#field[0], this.#field.readUInt32BE(1));
        return;
      case 'tag':
        this.#finishChunk(this.#field);
        return;
    }
  }

  #startChunk(marker: number, length: number): void {
    const { chunkSize, noncePrefix } = this.#header!;
    const details = { chunk: this.#index, offset: this.#offset - FRAME_BYTES };
    if (marker !== MORE && marker !== FINAL) throw tampered(`chunk ${this.#index} has an invalid frame marker ${marker}`, details);
    if (marker === MORE ? length !== chunkSize : length >= chunkSize) {
      throw tampered(`chunk ${this.#index} has an impossible length ${length} for chunk size ${chunkSize}`, details);
    }
    if (this.#index >= MAX_CHUNKS) throw tampered(`the artifact has more than ${MAX_CHUNKS} chunks`, details);
    this.#marker = marker;
    this.#remaining = length;
    this.#decipher = createDecipheriv(CIPHER, this.#dataKey, chunkNonce(noncePrefix, this.#index));
    this.#decipher.setAAD(chunkAad(this.#headerHash, this.#index, marker));
    if (length === 0) this.#expect('tag', TAG_BYTES);
    else this.#state = 'body';
  }

  #finishChunk(tag: Buffer): void {
    const decipher = this.#decipher!;
    decipher.setAuthTag(tag);
    try {
      decipher.final();
    } catch {
      throw tampered(`chunk ${this.#index} of the artifact fails authentication: it was altered, reordered or comes from another artifact`, {
        chunk: this.#index,
        offset: this.#offset - TAG_BYTES,
      });
    }
    // Only now, with the tag verified, does any of this chunk's plaintext leave the stream.
    for (const piece of this.#plain) this.push(piece);
    this.#plain = [];
    this.#decipher = undefined;
    this.#index++;
    if (this.#marker === FINAL) this.#state = 'end';
    else this.#expect('frame', FRAME_BYTES);
  }

  /** The error for input that ended before the final chunk was complete. */
  #cutShort(): LifeboatError {
    const details = { offset: this.#offset, chunk: this.#index };
    switch (this.#state) {
      case 'prefix':
        if (!startsLikeMagic(this.#field.subarray(0, this.#filled))) return notAnArtifact();
        return truncated(this.#filled === 0 ? 'the artifact is empty' : `the artifact ends inside its header, after ${this.#filled} bytes`, details);
      case 'header':
        return truncated(`the artifact ends inside its header, after ${this.#filled} of ${this.#field.length} bytes`, details);
      case 'frame':
        if (this.#filled === 0) {
          return truncated(
            this.#index === 0
              ? 'the artifact ends after its header, before the first chunk'
              : `the artifact ends after chunk ${this.#index - 1}, without its final chunk`,
            details,
          );
        }
        return truncated(`the artifact ends inside chunk ${this.#index}`, details);
      default:
        return truncated(`the artifact ends inside chunk ${this.#index}`, details);
    }
  }
}

function checkChunkSize(chunkSize: number): number {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new LifeboatError('BAD_USER_INPUT', `chunkSize must be an integer from 1 to ${MAX_CHUNK_SIZE}, got ${chunkSize}`);
  }
  return chunkSize;
}

/**
 * Encrypts a stream into an artifact with the keyring's current key: header, then chunks, the
 * last one marked final. Memory: one chunk of plaintext, held by reference.
 */
export function createEncryptStream(keyring: Keyring, options: EncryptOptions = {}): Transform {
  return new EncryptStream(keyring, checkChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE));
}

/**
 * Decrypts an artifact, emitting a chunk's plaintext only after its tag verifies. Fails with
 * WRONG_KEY (key id not configured, or different material under that id), TAMPERED (header or
 * chunk fails authentication, bad framing, bytes after the final chunk) or TRUNCATED (input ends
 * before the final chunk). Output already emitted before a failure is authentic but incomplete:
 * a consumer must treat the whole result as failed.
 */
export function createDecryptStream(keyring: Keyring): Transform {
  return new DecryptStream(keyring);
}

/**
 * Reads an artifact's header without any key. Given a stream or async iterable, it reads only as
 * far as the end of the header and then stops iterating (which destroys a Readable). TAMPERED
 * for something that is not a version 1 artifact header, TRUNCATED when the input is shorter.
 */
export async function readHeader(input: Uint8Array | AsyncIterable<Uint8Array>): Promise<ArtifactHeader> {
  let bytes = Buffer.alloc(0);
  let needed = PREFIX_BYTES;
  const parse = (): ArtifactHeader | undefined => {
    if (bytes.length >= PREFIX_BYTES) needed = headerLength(bytes);
    if (bytes.length < needed) return undefined;
    const { formatVersion, keyId, chunkSize, headerBytes } = decodeHeader(bytes.subarray(0, needed));
    return { formatVersion, keyId, chunkSize, headerBytes };
  };
  const pieces = input instanceof Uint8Array ? [input] : input;
  for await (const piece of pieces) {
    bytes = Buffer.concat([bytes, piece]);
    const header = parse();
    if (header !== undefined) return header;
  }
  if (!startsLikeMagic(bytes)) throw notAnArtifact();
  throw truncated(`the artifact ends inside its header, after ${bytes.length} bytes`, { offset: bytes.length });
}
