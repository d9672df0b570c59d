/**
 * Master keys that wrap each artifact's data key. A keyring is an ordered list of `id:base64key`
 * entries: the first key encrypts new artifacts, every key decrypts. Rotating means prepending a
 * new key and keeping the old ones, so existing artifacts never need re-encryption.
 *
 * Key material never leaves this module except through `masterKeyOf`, which only the encryption
 * module uses: a Keyring prints, logs and serialises as its ids alone, and parse errors name the
 * variable or file and the entry number, never the entry's text.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { loadConfig, secret, type Env, type Option } from '@lifeboat/config';

export const MASTER_KEYS_VARIABLE = 'LIFEBOAT_MASTER_KEYS';
const MASTER_KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9_.-]{1,255}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const KEY_CHECK_LABEL = 'lifeboat artifact key check v1';

const material = new WeakMap<Keyring, ReadonlyMap<string, Buffer>>();

export class Keyring {
  /** Id of the key that encrypts new artifacts. */
  readonly currentKeyId: string;
  /** Every configured id, current first. */
  readonly keyIds: readonly string[];

  /** `entries` in priority order: the first one encrypts. */
  private constructor(entries: ReadonlyMap<string, Buffer>) {
    this.keyIds = [...entries.keys()];
    this.currentKeyId = this.keyIds[0];
    material.set(this, entries);
  }

  /**
   * Parses `id:base64key` entries for the functions below (the package exports Keyring as a type
   * only). Throws an Error listing every problem by position, never quoting key text.
   */
  static parse(entries: readonly { text: string; where: string }[]): Keyring {
    const problems: string[] = [];
    const keys = new Map<string, Buffer>();
    for (const { text, where } of entries) {
      const colon = text.indexOf(':');
      if (colon < 0) {
        problems.push(`${where}: must be id:base64key`);
        continue;
      }
      const id = text.slice(0, colon).trim();
      const encoded = text.slice(colon + 1).trim();
      if (!KEY_ID.test(id)) {
        problems.push(`${where}: the key id must be 1 to 255 characters of A-Z a-z 0-9 _ . -`);
        continue;
      }
      if (keys.has(id)) {
        problems.push(`${where}: key id "${id}" appears twice`);
        continue;
      }
      const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : undefined;
      if (key === undefined || key.length !== MASTER_KEY_BYTES) {
        const got = key === undefined ? 'text that is not base64' : `${key.length} bytes`;
        problems.push(`${where} (id "${id}"): the key must be ${MASTER_KEY_BYTES} bytes in base64, got ${got}`);
        continue;
      }
      keys.set(id, key);
    }
    if (problems.length === 0 && keys.size === 0) problems.push('holds no key');
    if (problems.length > 0) throw new Error(problems.join('; '));
    return new Keyring(keys);
  }

  has(keyId: string): boolean {
    return this.keyIds.includes(keyId);
  }

  toString(): string {
    return `Keyring(${this.keyIds.join(', ')})`;
  }

  toJSON(): { keyIds: readonly string[] } {
    return { keyIds: this.keyIds };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** The material of one key, or undefined when the keyring does not hold that id. */
export function masterKeyOf(keyring: Keyring, keyId: string): Buffer | undefined {
  return material.get(keyring)?.get(keyId);
}

/**
 * A fingerprint of a master key stored in each artifact's header: it tells "the configured key of
 * this id is different material" (WRONG_KEY) apart from "the header was altered" (TAMPERED).
 * It is an HMAC of a fixed label, so it reveals nothing usable about the key.
 */
export function keyCheckOf(masterKey: Buffer): Buffer {
  return createHmac('sha256', masterKey).update(KEY_CHECK_LABEL).digest().subarray(0, 16);
}

const NEW_KEY = 'make one with: echo "2025-06:$(openssl rand -base64 32)"';
const FORMAT_HINT = `${MASTER_KEYS_VARIABLE} is a comma-separated list of id:base64key entries (32-byte keys), newest first; ${NEW_KEY}`;

function entriesOf(text: string): { text: string; where: string }[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, i) => ({ text: entry, where: `entry ${i + 1}` }));
}

/**
 * The `LIFEBOAT_MASTER_KEYS` option: validated at start by `loadConfig`, parsed into a Keyring
 * (never printed), documented in `.env.example` like every other option.
 */
export const masterKeysOption: Option<Keyring> = {
  ...secret({
    description:
      'Master keys for artifact encryption: comma-separated id:base64key entries (32-byte keys), newest first; the first encrypts, all decrypt',
  }),
  parse: (raw: string) => Keyring.parse(entriesOf(raw)),
};

/** The keyring of `LIFEBOAT_MASTER_KEYS`; CONFIG_INVALID naming the variable when missing or malformed. */
export function keyringFromEnv(env: Env = process.env): Keyring {
  try {
    return loadConfig({ [MASTER_KEYS_VARIABLE]: masterKeysOption }, env)[MASTER_KEYS_VARIABLE];
  } catch (err) {
    if (err instanceof LifeboatError) {
      throw new LifeboatError(err.code, err.message, { cause: err, details: err.details, hint: FORMAT_HINT });
    }
    throw err;
  }
}

/**
 * The keyring in a key file (the break-glass CLI's `--key-file`): the same `id:base64key` entries,
 * one a line or comma separated, `#` starting a comment. The first entry encrypts.
 */
export async function keyringFromFile(path: string): Promise<Keyring> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new LifeboatError('CONFIG_INVALID', `key file ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? messageOf(err)})`, {
      cause: err,
      hint: 'pass --key-file with the path of a readable file of id:base64key lines',
    });
  }
  const entries = text.split(/\r?\n/).flatMap((line, i) =>
    line
      .replace(/#.*$/, '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry) => ({ text: entry, where: `line ${i + 1}` })),
  );
  try {
    return Keyring.parse(entries);
  } catch (err) {
    throw new LifeboatError('CONFIG_INVALID', `key file ${path}: ${messageOf(err)}`, {
      hint: `write one id:base64key entry per line (32-byte keys, newest first), # starts a comment; ${NEW_KEY}`,
    });
  }
}

/** A new random master key as the `id:base64key` text of a keyring entry. */
export function generateMasterKey(id: string): string {
  if (!KEY_ID.test(id)) {
    throw new LifeboatError('BAD_USER_INPUT', `key id "${id}" is invalid: use 1 to 255 characters of A-Z a-z 0-9 _ . -`);
  }
  return `${id}:${randomBytes(MASTER_KEY_BYTES).toString('base64')}`;
}
