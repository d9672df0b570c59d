import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { LifeboatError } from '@lifeboat/errors';
import { loadConfig, str } from '@lifeboat/config';
import { generateMasterKey, keyringFromEnv, keyringFromFile, masterKeysOption } from './index';

const material = (entry: string): string => entry.slice(entry.indexOf(':') + 1);

/** Asserts CONFIG_INVALID whose message names `name` and contains no trace of any of `keys`. */
function assertConfigInvalid(fn: () => unknown, name: RegExp, keys: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof LifeboatError);
    assert.equal(err.code, 'CONFIG_INVALID');
    assert.match(err.message, name);
    const shown = `${err.message}\n${err.hint ?? ''}\n${JSON.stringify(err.toJSON())}`;
    for (const key of keys) assert.ok(!shown.includes(key.slice(0, 12)), `key material leaked in: ${shown}`);
    return true;
  });
}

test('the first entry encrypts, all are kept in order', () => {
  const a = generateMasterKey('2025-06');
  const b = generateMasterKey('2024.q4_old-key');
  const sut = keyringFromEnv({ LIFEBOAT_MASTER_KEYS: ` ${a} , ${b},` });
  assert.equal(sut.currentKeyId, '2025-06');
  assert.deepEqual(sut.keyIds, ['2025-06', '2024.q4_old-key']);
  assert.ok(sut.has('2024.q4_old-key'));
  assert.ok(!sut.has('other'));
});

test('a keyring prints, logs and serialises as its ids only', () => {
  const entry = generateMasterKey('k1');
  const sut = keyringFromEnv({ LIFEBOAT_MASTER_KEYS: entry });
  for (const shown of [String(sut), JSON.stringify(sut), inspect(sut), inspect({ sut }, { depth: 5, showHidden: true })]) {
    assert.match(shown, /k1/);
    assert.ok(!shown.includes(material(entry).slice(0, 12)), shown);
  }
});

test('a missing variable is CONFIG_INVALID naming it', () => {
  assertConfigInvalid(() => keyringFromEnv({}), /LIFEBOAT_MASTER_KEYS: is required/, []);
  assertConfigInvalid(() => keyringFromEnv({ LIFEBOAT_MASTER_KEYS: ' , ' }), /LIFEBOAT_MASTER_KEYS: holds no key/, []);
});

test('malformed entries are named by position and never echoed', () => {
  const good = generateMasterKey('good');
  const bare = material(generateMasterKey('x'));
  const short = `short:${Buffer.alloc(31, 7).toString('base64')}`;
  const notBase64 = 'weird:@@@@not*base64@@@@@@@@@@@@@@@@@@@@@@@@';
  const badId = `bad id!:${material(generateMasterKey('y'))}`;
  const cases: [string, RegExp][] = [
    [bare, /entry 1: must be id:base64key/],
    [`${good},${short}`, /entry 2 \(id "short"\): the key must be 32 bytes in base64, got 31 bytes/],
    [notBase64, /entry 1 \(id "weird"\): .* not base64/],
    [badId, /entry 1: the key id must be/],
    [`${good},${good}`, /entry 2: key id "good" appears twice/],
  ];
  for (const [value, expected] of cases) {
    assertConfigInvalid(() => keyringFromEnv({ LIFEBOAT_MASTER_KEYS: value }), new RegExp(`LIFEBOAT_MASTER_KEYS: ${expected.source}`), [
      material(good),
      bare,
      material(short),
      material(badId),
    ]);
  }
});

test('masterKeysOption validates at start and documents itself like any option', () => {
  const entry = generateMasterKey('k1');
  const options = { LIFEBOAT_MASTER_KEYS: masterKeysOption, OTHER: str({ description: 'other' }) };
  const sut = loadConfig(options, { LIFEBOAT_MASTER_KEYS: entry, OTHER: 'x' });
  assert.equal(sut.LIFEBOAT_MASTER_KEYS.currentKeyId, 'k1');
  assert.equal(masterKeysOption.secret, true);
  assert.equal(masterKeysOption.defaultText, undefined);
  assertConfigInvalid(() => loadConfig(options, { LIFEBOAT_MASTER_KEYS: 'nope' }), /LIFEBOAT_MASTER_KEYS: entry 1/, []);
});

test('a key file holds one entry a line or comma separated, with # comments', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lifeboat-keyring-'));
  try {
    const [a, b, c] = [generateMasterKey('a'), generateMasterKey('b'), generateMasterKey('c')];
    const path = join(dir, 'keys');
    await writeFile(path, `# Lifeboat master keys, newest first\n${a}  # current\n\n${b}, ${c}\r\n`);
    const sut = await keyringFromFile(path);
    assert.deepEqual(sut.keyIds, ['a', 'b', 'c']);

    await writeFile(path, `${a}\n# old:\n${material(b)}\n`);
    await assert.rejects(keyringFromFile(path), (err: LifeboatError) => {
      assert.equal(err.code, 'CONFIG_INVALID');
      assert.match(err.message, /key file .*keys: line 3: must be id:base64key/);
      assert.ok(!err.message.includes(material(b).slice(0, 12)));
      return true;
    });
    await assert.rejects(keyringFromFile(join(dir, 'missing')), (err: LifeboatError) => err.code === 'CONFIG_INVALID' && /ENOENT/.test(err.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('generateMasterKey makes a usable entry and refuses bad ids', () => {
  const entry = generateMasterKey('dev');
  assert.match(entry, /^dev:[A-Za-z0-9+/]{43}=$/);
  assert.equal(Buffer.from(material(entry), 'base64').length, 32);
  assert.throws(() => generateMasterKey('no spaces'), (err: LifeboatError) => err.code === 'BAD_USER_INPUT');
  assert.throws(() => generateMasterKey(''), (err: LifeboatError) => err.code === 'BAD_USER_INPUT');
});
