import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { type LifeboatError } from '@lifeboat/errors';
import { FsStorage } from '../src/index';
import { TEMPORARY_MARK } from '../src/keys';
import { bodyOf, bytesOf, storageContract } from './storage-contract';

let base: string;
let roots = 0;
const open = (): FsStorage => new FsStorage({ name: 'local', root: path.join(base, `root${++roots}`, 'storage') });

before(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'lifeboat-fs-storage-'));
});

after(async () => {
  await rm(base, { recursive: true, force: true });
});

storageContract({
  open,
  async leftovers() {
    const files = await readdir(base, { recursive: true });
    return files.filter((file) => path.basename(file).startsWith(TEMPORARY_MARK));
  },
});

test('the root is created when missing, by ping or by the first save', async () => {
  const sut = open();
  await sut.ping();
  assert.ok((await stat(path.join(base, `root${roots}`, 'storage'))).isDirectory());
  const other = open();
  await other.save('a/b', bodyOf(Buffer.from('x')));
  assert.equal((await bytesOf(await other.load('a/b'))).toString(), 'x');
});

test('a root that is a file fails ping with CONFIG_INVALID naming the variable', async () => {
  const file = path.join(base, 'not-a-directory');
  await writeFile(file, 'x');
  const sut = new FsStorage({ name: 'local', root: file });
  await assert.rejects(sut.ping(), (err: LifeboatError) => err.code === 'CONFIG_INVALID' && /LIFEBOAT_LOCATION_LOCAL_PATH/.test(err.hint ?? ''));
});

test('a key cannot be an object and a prefix of others at once: CONFLICT', async () => {
  const sut = open();
  await sut.save('a/b', bodyOf(Buffer.from('x')));
  await assert.rejects(sut.save('a', bodyOf(Buffer.from('y'))), (err: LifeboatError) => err.code === 'CONFLICT');
  await assert.rejects(sut.save('a/b/c', bodyOf(Buffer.from('z'))), (err: LifeboatError) => err.code === 'CONFLICT');
  assert.equal(await sut.stat('a'), undefined);
  await assert.rejects(sut.load('a'), (err: LifeboatError) => err.code === 'OBJECT_NOT_FOUND');
});

test('remove prunes the directories it empties, and only those', async () => {
  const sut = open();
  const root = path.join(base, `root${roots}`, 'storage');
  await sut.save('x/y/z/1', bodyOf(Buffer.from('1')));
  await sut.save('x/2', bodyOf(Buffer.from('2')));
  await sut.remove('x/y/z/1');
  assert.deepEqual(await readdir(path.join(root, 'x')), ['2']);
  await sut.remove('x/2');
  assert.deepEqual(await readdir(root), []);
});

/** As root, permissions are not enforced: the check then runs in a child process as `nobody`. */
test('a directory the process may not write to fails with FORBIDDEN', async () => {
  const root = path.join(base, 'read-only');
  await new FsStorage({ name: 'local', root }).ping();
  await chmod(root, 0o555);
  await chmod(base, 0o755);
  const check = `
    const { FsStorage } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'fs-storage.js'))});
    const { Readable } = require('node:stream');
    const sut = new FsStorage({ name: 'local', root: ${JSON.stringify(root)} });
    (async () => {
      const codes = [];
      for (const op of [() => sut.save('k', Readable.from([Buffer.from('x')])), () => sut.ping()]) {
        try { await op(); codes.push('ok'); } catch (err) { codes.push(err.code + ':' + (err.hint ?? '')); }
      }
      console.log(JSON.stringify(codes));
    })();`;
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync(asRoot ? 'runuser' : process.execPath, asRoot ? ['-u', 'nobody', '--', process.execPath, '-e', check] : ['-e', check], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [save, ping] = JSON.parse(r.stdout) as string[];
  assert.match(save, /^FORBIDDEN:.*LIFEBOAT_LOCATION_LOCAL_PATH/);
  assert.match(ping, /^FORBIDDEN:/);
});

test('a save syncs its directory, unless deferred to the next save there; directories it creates are synced all the same', async () => {
  // The module object the driver calls through (its `open` is looked up at each call).
  const fsPromises = createRequire(__filename)('node:fs/promises') as typeof import('node:fs/promises');
  const realOpen = fsPromises.open;
  const synced: string[] = [];
  // The directories the driver opens to sync (it opens files with 'wx' and 'r', directories with 'r').
  fsPromises.open = (async (file: string, flags?: string) => {
    const handle = await realOpen(file, flags);
    if (flags === 'r' && (await handle.stat()).isDirectory()) synced.push(path.relative(base, file));
    return handle;
  }) as typeof fsPromises.open;
  try {
    const sut = open();
    const root = `root${roots}/storage`;
    await sut.save('day/artifact', bodyOf(Buffer.from('a')), { deferDirectorySync: true });
    assert.deepEqual(synced.splice(0), [`${root}/day`, root, `root${roots}`, ''], 'the directories it created, and the parent of the first');
    await sut.save('day/artifact-2', bodyOf(Buffer.from('b')), { deferDirectorySync: true });
    assert.deepEqual(synced.splice(0), [], 'deferred');
    await sut.save('day/artifact-2.manifest', bodyOf(Buffer.from('c')));
    assert.deepEqual(synced.splice(0), [`${root}/day`]);
    assert.deepEqual(await bytesOf(await sut.load('day/artifact-2')), Buffer.from('b'));
  } finally {
    fsPromises.open = realOpen;
  }
});
