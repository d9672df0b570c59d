import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, link, lstat, lutimes, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type LifeboatError } from '@lifeboat/errors';
import { type Collection, collectConfiguration, extractArchive, listArchive, tarStream } from '../src/index';
import { type RawEntry, rawTar } from './raw-tar';

const GLOBS = ['docker-compose*.yml', '.env*', 'infra/**/nginx*.conf', 'infra/**/*.{pem,crt,key}', 'infra/k8s/**', 'infra/k8s', 'missing/**', 'var/**'];
/** Longer than ustar's 100 + 155 bytes can split: needs a pax header. */
const LONG = `infra/k8s/${'overlays-production-europe-west-1/'.repeat(8)}deployment.yaml`;
const FILE_TIME = new Date('2024-03-01T10:20:30.456Z');
const DIR_TIME = new Date('2024-02-01T08:00:00.000Z');

const FILES: Record<string, { body: string; mode: number }> = {
  'docker-compose.yml': { body: 'services:\n  app: {}\n', mode: 0o644 },
  'docker-compose.prod.yml': { body: 'services:\n  app: { restart: always }\n', mode: 0o640 },
  '.env.production': { body: 'DATABASE_URL=postgres://app@db/app\n', mode: 0o600 },
  'infra/nginx/nginx.conf': { body: 'events {}\nhttp { server { listen 80; } }\n', mode: 0o644 },
  'infra/certs/site.pem': { body: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', mode: 0o644 },
  'infra/certs/site.key': { body: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n', mode: 0o400 },
  'infra/k8s/app.yaml': { body: 'apiVersion: apps/v1\nkind: Deployment\n', mode: 0o644 },
  'infra/k8s/base/kustomization.yaml': { body: 'resources: [../app.yaml]\n', mode: 0o644 },
  'infra/k8s/big.yaml': { body: `data: ${randomBytes(300_000).toString('base64')}\n`, mode: 0o644 },
  'infra/k8s/café.yaml': { body: 'name: café\n', mode: 0o644 },
  'infra/k8s/hooks/deploy.sh': { body: '#!/bin/sh\nkubectl apply -k .\n', mode: 0o4755 },
  [LONG]: { body: 'kind: Deployment\n', mode: 0o644 },
  // Never collected: not named by a glob, or below node_modules, .git, var.
  'scripts/build.sh': { body: 'npm run build\n', mode: 0o755 },
  'infra/nginx/mime.types': { body: 'types {}\n', mode: 0o644 },
  'infra/k8s/node_modules/x/index.js': { body: 'module.exports = 1;\n', mode: 0o644 },
  'infra/k8s/.git/config': { body: '[core]\n', mode: 0o644 },
  'var/lifeboat.env': { body: 'LIFEBOAT_MASTER_KEYS=secret\n', mode: 0o600 },
};
const HARD_LINK = 'infra/nginx/nginx-hard.conf';
const LINK = { path: 'infra/nginx/nginx-current.conf', target: 'nginx.conf' };
/** A link a restore would refuse: left out of the collection with a warning. */
const ABSOLUTE_LINK = { path: 'infra/k8s/hosts', target: '/etc/hosts' };

const ancestors = (rel: string): string[] => rel.split('/').slice(1).map((_, i) => rel.split('/').slice(0, i + 1).join('/'));
const LONG_DIRS = ancestors(LONG).filter((dir) => dir.startsWith('infra/k8s/'));
const EXPECTED = [
  '.env.production',
  'docker-compose.prod.yml',
  'docker-compose.yml',
  'infra/certs/site.key',
  'infra/certs/site.pem',
  'infra/k8s',
  'infra/k8s/app.yaml',
  'infra/k8s/base',
  'infra/k8s/base/kustomization.yaml',
  'infra/k8s/big.yaml',
  'infra/k8s/café.yaml',
  'infra/k8s/hooks',
  'infra/k8s/hooks/deploy.sh',
  ...LONG_DIRS,
  LONG,
  LINK.path,
  HARD_LINK,
  'infra/nginx/nginx.conf',
].sort();

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const seconds = (ms: number): number => Math.floor(ms / 1000);
const codeIs = (code: string) => (err: LifeboatError) => err.code === code;
const listing = async (dir: string): Promise<string[]> => ((await readdir(dir, { recursive: true })) as string[]).sort();

let base: string;
let root: string;
let collection: Collection;
let archive: string;

async function makeTree(): Promise<void> {
  for (const [rel, { body, mode }] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), body);
    await chmod(path.join(root, rel), mode);
    await utimes(path.join(root, rel), FILE_TIME, FILE_TIME);
  }
  await link(path.join(root, 'infra/nginx/nginx.conf'), path.join(root, HARD_LINK));
  for (const { path: rel, target } of [LINK, ABSOLUTE_LINK]) {
    await symlink(target, path.join(root, rel));
    await lutimes(path.join(root, rel), FILE_TIME, FILE_TIME);
  }
  await chmod(path.join(root, 'infra/k8s/hooks'), 0o750);
  const dirs = new Set(Object.keys(FILES).flatMap(ancestors));
  for (const dir of [...dirs].sort((a, b) => b.length - a.length)) await utimes(path.join(root, dir), DIR_TIME, DIR_TIME);
}

before(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'lifeboat-config-archive-'));
  await chmod(base, 0o755);
  root = path.join(base, 'config');
  await makeTree();
  collection = await collectConfiguration({ root, globs: GLOBS });
  archive = path.join(base, 'config.tar');
  await pipeline(tarStream(root, collection), createWriteStream(archive));
});

after(async () => {
  await rm(base, { recursive: true, force: true });
});

test('collecting: globs with dotfiles, matched directories with their contents, links as links, exclusions, warnings', async () => {
  assert.deepEqual(
    collection.files.map((f) => f.path),
    EXPECTED,
  );
  for (const file of collection.files) {
    const source = FILES[file.path] ?? (file.path === HARD_LINK ? FILES['infra/nginx/nginx.conf'] : undefined);
    if (file.type === 'file') {
      assert.ok(source, file.path);
      assert.equal(file.sha256, sha256(source.body), file.path);
      assert.equal(file.size, Buffer.byteLength(source.body), file.path);
      assert.equal(file.mode, source.mode, file.path);
      assert.equal(file.mtime, '2024-03-01T10:20:30.000Z', file.path);
    } else if (file.type === 'directory') {
      assert.equal(file.mtime, DIR_TIME.toISOString(), file.path);
      assert.equal(file.sha256, undefined);
    }
  }
  assert.deepEqual(
    collection.files.find((f) => f.path === LINK.path),
    { path: LINK.path, type: 'symlink', size: 0, mode: 0o777, mtime: '2024-03-01T10:20:30.000Z', linkTarget: 'nginx.conf' },
  );
  assert.equal(collection.files.find((f) => f.path === 'infra/k8s/hooks')?.mode, 0o750);
  assert.ok(collection.warnings.includes('glob "missing/**" matched nothing'), collection.warnings.join('\n'));
  assert.ok(collection.warnings.includes('glob "var/**" matched nothing'));
  assert.ok(collection.warnings.some((w) => w.includes(ABSOLUTE_LINK.path) && w.includes('/etc/hosts')));
  assert.equal(collection.warnings.length, 3, collection.warnings.join('\n'));
  await symlink('config', path.join(base, 'config-link'));
  assert.deepEqual(await collectConfiguration({ root: path.join(base, 'config-link'), globs: GLOBS }), collection, 'a root that is a link to the directory');
});

test('a glob never leads outside the root', async () => {
  for (const glob of ['../*', '/etc/*', 'infra/../../*', '', '!*.key']) {
    await assert.rejects(collectConfiguration({ root, globs: [glob] }), codeIs('BAD_USER_INPUT'), glob);
  }
  await assert.rejects(collectConfiguration({ root: 'config', globs: ['*'] }), codeIs('BAD_USER_INPUT'));
  const outside = path.join(base, 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.key'), 'not yours');
  const linked = path.join(base, 'linked');
  await mkdir(linked);
  await symlink('../outside', path.join(linked, 'elsewhere'));
  const sut = await collectConfiguration({ root: linked, globs: ['elsewhere/*.key', 'elsewhere/**'] });
  assert.deepEqual(sut.files, []);
  assert.ok(sut.warnings.some((w) => w.includes('"elsewhere/secret.key" lies behind the symbolic link "elsewhere"')), sut.warnings.join('\n'));
  assert.ok(sut.warnings.includes('glob "elsewhere/*.key" matched nothing'));
});

/** As root, permissions are not enforced: the collection then runs in a child process as `nobody`. */
test('a file or directory that cannot be read fails the collection with BACKUP_FAILED naming it', async () => {
  const lockedFile = path.join(base, 'locked-file');
  await mkdir(lockedFile);
  await writeFile(path.join(lockedFile, 'readable.conf'), 'ok\n');
  await writeFile(path.join(lockedFile, 'secret.key'), 'key\n');
  await chmod(path.join(lockedFile, 'secret.key'), 0o000);
  const lockedDir = path.join(base, 'locked-dir');
  await mkdir(path.join(lockedDir, 'private'), { recursive: true });
  await writeFile(path.join(lockedDir, 'private', 'x.conf'), 'x\n');
  await chmod(path.join(lockedDir, 'private'), 0o000);
  const cases = [
    [lockedFile, ['**']],
    [lockedFile, ['*.key']],
    [lockedDir, ['**']],
    [lockedDir, ['private']],
  ];
  const check = `
    const { collectConfiguration } = require(${JSON.stringify(path.join(__dirname, '..', 'src', 'index.js'))});
    (async () => {
      const out = [];
      for (const [root, globs] of ${JSON.stringify(cases)}) {
        try { await collectConfiguration({ root, globs }); out.push('collected'); } catch (err) { out.push(err.code + ':' + err.details?.path); }
      }
      console.log(JSON.stringify(out));
    })();`;
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync(asRoot ? 'runuser' : process.execPath, asRoot ? ['-u', 'nobody', '--', process.execPath, '-e', check] : ['-e', check], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['BACKUP_FAILED:secret.key', 'BACKUP_FAILED:secret.key', 'BACKUP_FAILED:private', 'BACKUP_FAILED:private']);
});

test('round trip: collect, tar, extract into an empty directory gives the same files, modes, times and links', async () => {
  const into = path.join(base, 'restored');
  const files = collection.files.filter((f) => f.type === 'file');
  const sut = await extractArchive(archive, into, { overwrite: false });
  assert.deepEqual(sut, {
    files: files.length,
    directories: collection.files.filter((f) => f.type === 'directory').length,
    symlinks: 1,
    bytes: files.reduce((sum, f) => sum + f.size, 0),
  });
  for (const entry of collection.files) {
    const restored = await lstat(path.join(into, entry.path));
    const original = await lstat(path.join(root, entry.path));
    assert.equal(seconds(restored.mtimeMs), seconds(original.mtimeMs), entry.path);
    if (entry.type === 'symlink') {
      assert.ok(restored.isSymbolicLink());
      assert.equal(await readlink(path.join(into, entry.path)), entry.linkTarget);
      continue;
    }
    // Setuid, setgid and sticky are not restored.
    assert.equal(restored.mode & 0o7777, original.mode & 0o777, entry.path);
    if (entry.type === 'directory') assert.ok(restored.isDirectory(), entry.path);
    else assert.deepEqual(await readFile(path.join(into, entry.path)), await readFile(path.join(root, entry.path)), entry.path);
  }
  assert.equal((await stat(path.join(into, 'infra/k8s/hooks/deploy.sh'))).mode & 0o7777, 0o755);
  const parents = new Set(EXPECTED.flatMap(ancestors));
  for (const rel of await listing(into)) assert.ok(EXPECTED.includes(rel) || parents.has(rel), `unexpected ${rel}`);
});

test('listArchive gives the collected entries, and tar(1) reads the archive', async () => {
  const sut = await listArchive(createReadStream(archive));
  assert.deepEqual(
    sut,
    collection.files.map(({ sha256: _, ...entry }) => entry),
  );
  const listed = spawnSync('tar', ['-tvf', archive], { encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  assert.equal(listed.stderr, '');
  assert.equal(listed.stdout.trim().split('\n').length, EXPECTED.length);
  assert.match(listed.stdout, /^lrwxrwxrwx 0\/0 .* infra\/nginx\/nginx-current\.conf -> nginx\.conf$/m);
  assert.ok(listed.stdout.includes(` ${LONG}\n`), 'the long path, from its pax header');
  const byTar = path.join(base, 'by-tar');
  await mkdir(byTar);
  const extracted = spawnSync('tar', ['-xf', archive, '-C', byTar], { encoding: 'utf8' });
  assert.equal(extracted.status, 0, extracted.stderr);
  for (const rel of [LONG, 'infra/k8s/big.yaml', 'infra/k8s/café.yaml', HARD_LINK]) {
    assert.equal(sha256(await readFile(path.join(byTar, rel))), collection.files.find((f) => f.path === rel)?.sha256, rel);
  }
});

test('a file whose size changed since it was collected fails the tar stream with BACKUP_FAILED', async () => {
  const changing = path.join(base, 'changing');
  await mkdir(changing);
  await writeFile(path.join(changing, 'app.env'), 'A=1\n');
  const collected = await collectConfiguration({ root: changing, globs: ['*.env'] });
  await writeFile(path.join(changing, 'app.env'), 'A=1\nB=2\n');
  const sink = createWriteStream(path.join(base, 'changing.tar'));
  await assert.rejects(pipeline(tarStream(changing, collected), sink), (err: LifeboatError) => err.code === 'BACKUP_FAILED' && err.details.path === 'app.env');
});

test('an empty collection makes an empty archive, which lists and extracts as nothing', async () => {
  const empty = path.join(base, 'empty.tar');
  await pipeline(tarStream(root, { files: [], warnings: [] }), createWriteStream(empty));
  assert.deepEqual(await listArchive(createReadStream(empty)), []);
  assert.deepEqual(await extractArchive(empty, path.join(base, 'empty-restored'), { overwrite: false }), { files: 0, directories: 0, symlinks: 0, bytes: 0 });
});

test('a damaged archive fails with RESTORE_FAILED and nothing is written', async () => {
  const good = await readFile(archive);
  const flipped = Buffer.from(good);
  flipped[10] ^= 0xff;
  const damaged: [string, Buffer][] = [
    ['cut inside an entry', good.subarray(0, 600)],
    ['cut between entries, without the end blocks', good.subarray(0, 1024)],
    ['a header that fails its checksum', flipped],
    ['not a tar', randomBytes(4096)],
    ['empty', Buffer.alloc(0)],
  ];
  for (const [name, bytes] of damaged) {
    await assert.rejects(listArchive(Readable.from([bytes])), codeIs('RESTORE_FAILED'), name);
    const file = path.join(base, 'damaged.tar');
    await writeFile(file, bytes);
    const into = path.join(base, 'damaged-restored');
    await assert.rejects(extractArchive(file, into, { overwrite: false }), codeIs('RESTORE_FAILED'), name);
    await assert.rejects(lstat(into), { code: 'ENOENT' }, name);
  }
});

test('a hostile archive is refused whole with UNSAFE_ARCHIVE, and nothing is written anywhere', async () => {
  const evil = path.join(os.tmpdir(), `evil-${randomBytes(6).toString('hex')}`);
  const file = (p: string, body = 'pwned\n'): RawEntry => ({ path: p, type: 'File', body });
  const cases: [string, RawEntry[]][] = [
    ['../evil', [file('ok.conf'), file('../evil')]],
    ['a/../../evil', [file('ok.conf'), file('a/../../evil')]],
    ['an absolute path', [file('ok.conf'), file(evil)]],
    ['a link out, then a file through it', [{ path: 'link', type: 'SymbolicLink', linkpath: '../../outside' }, file('link/file')]],
    ['a link inside, then a file through it', [{ path: 'sub', type: 'Directory' }, { path: 'link', type: 'SymbolicLink', linkpath: 'sub' }, file('link/file')]],
    ['a link to /etc', [{ path: 'link', type: 'SymbolicLink', linkpath: '/etc' }]],
    ['a hard link', [file('ok.conf'), { path: 'hard', type: 'Link', linkpath: 'ok.conf' }]],
    ['a fifo', [{ path: 'pipe', type: 'FIFO' }]],
    ['a device', [{ path: 'null', type: 'CharacterDevice' }]],
    ['a path twice', [file('a.conf', 'one\n'), file('b.conf'), file('a.conf', 'two\n')]],
  ];
  // The target absent, empty, or holding a file and extracted with overwrite (where a late refusal could not be undone).
  const targets = [
    { make: [], overwrite: false, left: ['t'] },
    { make: ['t/into'], overwrite: false, left: ['t', 't/into'] },
    { make: ['t/into', 't/into/keep.txt'], overwrite: true, left: ['t', 't/into', 't/into/keep.txt'] },
  ];
  for (const [name, entries] of cases) {
    for (const { make, overwrite, left } of targets) {
      const sandbox = await mkdtemp(path.join(base, 'sandbox-'));
      const tarFile = `${sandbox}.tar`;
      await writeFile(tarFile, rawTar(entries));
      await mkdir(path.join(sandbox, 't'));
      for (const rel of make) await (rel.endsWith('.txt') ? writeFile(path.join(sandbox, rel), 'mine\n') : mkdir(path.join(sandbox, rel)));
      await assert.rejects(extractArchive(tarFile, path.join(sandbox, 't', 'into'), { overwrite }), codeIs('UNSAFE_ARCHIVE'), name);
      assert.deepEqual(await listing(sandbox), left, name);
      await assert.rejects(lstat(evil), { code: 'ENOENT' });
    }
  }
  const listed = await listArchive(Readable.from([rawTar(cases[6][1])]));
  assert.deepEqual(
    listed.map((e) => [e.path, e.type, e.linkTarget]),
    [['ok.conf', 'file', undefined], ['hard', 'hardlink', 'ok.conf']],
  );
});

test('a non-empty target is a CONFLICT without overwrite, and nothing is written', async () => {
  const into = path.join(base, 'occupied');
  await mkdir(into);
  await writeFile(path.join(into, 'keep.txt'), 'mine\n');
  await assert.rejects(extractArchive(archive, into, { overwrite: false }), codeIs('CONFLICT'));
  assert.deepEqual(await listing(into), ['keep.txt']);
  assert.equal(await readFile(path.join(into, 'keep.txt'), 'utf8'), 'mine\n');
});

test('with overwrite, files are replaced and other files stay', async () => {
  const into = path.join(base, 'overwritten');
  await mkdir(into);
  await writeFile(path.join(into, 'docker-compose.yml'), 'old\n');
  await writeFile(path.join(into, 'keep.txt'), 'mine\n');
  await extractArchive(archive, into, { overwrite: true });
  assert.equal(await readFile(path.join(into, 'docker-compose.yml'), 'utf8'), FILES['docker-compose.yml'].body);
  assert.equal(await readFile(path.join(into, 'keep.txt'), 'utf8'), 'mine\n');
  await extractArchive(archive, into, { overwrite: true });
  assert.equal(await readlink(path.join(into, LINK.path)), LINK.target);
});

test('with overwrite, an existing link in the target is replaced, never written through', async () => {
  const sandbox = await mkdtemp(path.join(base, 'links-'));
  const into = path.join(sandbox, 'into');
  await mkdir(into);
  await writeFile(path.join(sandbox, 'victim.txt'), 'victim\n');
  await symlink('../victim.txt', path.join(into, 'docker-compose.yml'));
  await extractArchive(archive, into, { overwrite: true });
  assert.equal(await readFile(path.join(sandbox, 'victim.txt'), 'utf8'), 'victim\n');
  assert.ok((await lstat(path.join(into, 'docker-compose.yml'))).isFile());
  assert.equal(await readFile(path.join(into, 'docker-compose.yml'), 'utf8'), FILES['docker-compose.yml'].body);
});

test('with overwrite, a directory of the target that is a link refuses the restore before anything is written', async () => {
  const sandbox = await mkdtemp(path.join(base, 'linked-dir-'));
  const into = path.join(sandbox, 'into');
  await mkdir(path.join(sandbox, 'victim'), { recursive: true });
  // infra/nginx has only files and a link below it in the archive: it is first needed after other files are written.
  await mkdir(path.join(into, 'infra'), { recursive: true });
  await symlink('../../victim', path.join(into, 'infra/nginx'));
  await assert.rejects(extractArchive(archive, into, { overwrite: true }), (err: LifeboatError) => err.code === 'CONFLICT' && err.details.path === 'infra/nginx');
  assert.deepEqual(await listing(path.join(sandbox, 'victim')), []);
  assert.deepEqual(await listing(into), ['infra', 'infra/nginx']);
});
