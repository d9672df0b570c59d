/**
 * The break-glass commands as an operator runs them: `lifeboat decrypt` and `lifeboat inspect`
 * on artifacts written by the library, with the right key, a wrong one, and damaged copies.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { createCompressStream, createEncryptStream, generateMasterKey, keyringFromFile } from '@lifeboat/artifact';
import { runCli } from './run-cli';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let keyFile: string;
let source: Buffer;
let artifactFile: string;
let artifact: Buffer;

/** About 5 MB of dump-like text that compresses about 2:1, so the artifact has many chunks. */
function dumpText(bytes: number): Buffer {
  const lines: string[] = [];
  for (let size = 0, i = 0; size < bytes; i++) {
    const line = `INSERT INTO orders VALUES (${i}, 'tenant-${i % 7}', '${randomBytes(24).toString('hex')}');\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join(''));
}

async function writeArtifact(path: string, keys: string, bytes: Buffer): Promise<void> {
  const keyring = await keyringFromFile(keys);
  await pipeline(Readable.from([bytes]), createCompressStream({ workers: 2 }), createEncryptStream(keyring, { chunkSize: 64 * 1024 }), createWriteStream(path));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lifeboat-decrypt-'));
  keyFile = join(dir, 'keys.txt');
  await writeFile(keyFile, `# current key first\n${generateMasterKey('2025-01')}\n${generateMasterKey('older')}\n`);
  source = dumpText(5 * 1000 * 1000);
  artifactFile = join(dir, 'backup.artifact');
  await writeArtifact(artifactFile, keyFile, source);
  artifact = await readFile(artifactFile);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh empty directory for one test's output. */
const outDir = (): Promise<string> => mkdtemp(join(dir, 'out-'));

test('decrypt gives back the exact source bytes on stdout, reading stdin', async () => {
  const sut = await runCli(['decrypt', '--key-file', keyFile], { input: artifact });
  assert.equal(sut.code, 0, sut.stderr);
  assert.equal(sut.stdout.length, source.length);
  assert.equal(sha256(sut.stdout), sha256(source));
});

test('decrypt --in --out writes the exact source bytes to the file and nothing else', async () => {
  const out = await outDir();
  const sut = await runCli(['decrypt', '--key-file', keyFile, '--in', artifactFile, '--out', join(out, 'dump.sql')]);
  assert.equal(sut.code, 0, sut.stderr);
  assert.equal(sut.stdout.length, 0);
  assert.equal(sha256(await readFile(join(out, 'dump.sql'))), sha256(source));
  assert.deepEqual(await readdir(out), ['dump.sql']);
});

test('decrypt --no-decompress writes the gzip stream inside the artifact', async () => {
  const sut = await runCli(['decrypt', '--key-file', keyFile, '--in', artifactFile, '--no-decompress']);
  assert.equal(sut.code, 0, sut.stderr);
  assert.equal(sha256(gunzipSync(sut.stdout)), sha256(source));
});

test('decrypt takes the keys from LIFEBOAT_MASTER_KEYS when there is no --key-file', async () => {
  const keys = (await readFile(keyFile, 'utf8')).split('\n').filter((line) => line.includes(':')).join(',');
  const sut = await runCli(['decrypt', '--in', artifactFile], { env: { LIFEBOAT_MASTER_KEYS: keys } });
  assert.equal(sut.code, 0, sut.stderr);
  assert.equal(sha256(sut.stdout), sha256(source));
});

const failures: { name: string; code: string; keys?: () => Promise<string>; bytes: () => Buffer }[] = [
  {
    name: 'a key file without the artifact key id',
    code: 'WRONG_KEY',
    keys: async () => {
      const path = join(dir, 'other-id.txt');
      await writeFile(path, `${generateMasterKey('2026-01')}\n`);
      return path;
    },
    bytes: () => artifact,
  },
  {
    name: 'other material under the same key id',
    code: 'WRONG_KEY',
    keys: async () => {
      const path = join(dir, 'same-id.txt');
      await writeFile(path, `${generateMasterKey('2025-01')}\n`);
      return path;
    },
    bytes: () => artifact,
  },
  { name: 'a truncated artifact', code: 'TRUNCATED', bytes: () => artifact.subarray(0, artifact.length - 1000) },
  {
    name: 'a flipped byte past the first chunks',
    code: 'TAMPERED',
    bytes: () => {
      const copy = Buffer.from(artifact);
      copy[Math.floor(copy.length * 0.75)] ^= 0x01;
      return copy;
    },
  },
];

for (const failure of failures) {
  test(`decrypt with ${failure.name}: ${failure.code}, exit 1, and no output file`, async () => {
    const keys = failure.keys ? await failure.keys() : keyFile;
    const out = await outDir();
    const sut = await runCli(['decrypt', '--key-file', keys, '--out', join(out, 'dump.sql')], { input: failure.bytes() });
    assert.equal(sut.code, 1);
    assert.match(sut.stderr, new RegExp(`^lifeboat: ${failure.code}: `, 'm'));
    assert.match(sut.stderr, /^HINT: /m);
    assert.deepEqual(await readdir(out), []);
    const toStdout = await runCli(['decrypt', '--key-file', keys], { input: failure.bytes() });
    assert.equal(toStdout.code, 1);
    assert.match(toStdout.stderr, new RegExp(`^lifeboat: ${failure.code}: `, 'm'));
  });
}

test('decrypt of a file that does not exist: BAD_USER_INPUT naming it', async () => {
  const sut = await runCli(['decrypt', '--key-file', keyFile, '--in', join(dir, 'nope.artifact')]);
  assert.equal(sut.code, 1);
  assert.match(sut.stderr, /^lifeboat: BAD_USER_INPUT: --in .*nope\.artifact/m);
});

test('decrypt with an unreadable key file: CONFIG_INVALID with a hint', async () => {
  const sut = await runCli(['decrypt', '--key-file', join(dir, 'missing-keys.txt')], { input: artifact });
  assert.equal(sut.code, 1);
  assert.match(sut.stderr, /^lifeboat: CONFIG_INVALID: /m);
  assert.match(sut.stderr, /^HINT: /m);
});

test('inspect prints the key id, format version and chunk size without any key', async () => {
  const sut = await runCli(['inspect', '--in', artifactFile]);
  assert.equal(sut.code, 0, sut.stderr);
  assert.match(sut.stdout.toString(), /^key id\s+2025-01$/m);
  assert.match(sut.stdout.toString(), /^format version\s+1$/m);
  assert.match(sut.stdout.toString(), /^chunk size\s+65536 bytes/m);
  const json = await runCli(['inspect', '--json'], { input: artifact });
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout.toString()), { formatVersion: 1, keyId: '2025-01', chunkSize: 65536, headerBytes: 105 });
});

test('inspect of something that is not an artifact: TAMPERED', async () => {
  const sut = await runCli(['inspect'], { input: 'just some text, not an artifact at all, long enough for a header' });
  assert.equal(sut.code, 1);
  assert.match(sut.stderr, /^lifeboat: TAMPERED: /m);
});
