/**
 * Configuration backups (the seed's section 4): the project's own configuration files backed up
 * with the default globs, listed, and restored into an empty directory identical file by file;
 * globs matching nothing are warnings; a non-empty directory is refused unless overwriting.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@lifeboat/testkit';
import { BACKUP_FIELDS, type BackupView, ROOT, jobOf, startSystem, type System } from '../src/index';

let sys: System;
let admin: string;
let work: string;
let backup: BackupView & { warnings: string[] };

before(async () => {
  sys = await startSystem({ tenants: 1, env: { LIFEBOAT_CONFIG_ROOT: ROOT } });
  admin = await sys.login();
  work = await mkdtemp(join(tmpdir(), 'lifeboat-config-'));
});

after(async () => {
  await sys?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<Record<string, { sha256: string; mode: number; mtime: number }>> {
  const out: Record<string, { sha256: string; mode: number; mtime: number }> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const s = await lstat(path);
    out[path.slice(dir.length + 1)] = { sha256: createHash('sha256').update(await readFile(path)).digest('hex'), mode: s.mode & 0o777, mtime: Math.floor(s.mtimeMs / 1000) };
  }
  return out;
}

function lifeboat(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'cli/dist/src/main.js'), ...args], { env: { ...process.env, LIFEBOAT_URL: sys.gatewayUrl, LIFEBOAT_TOKEN: admin } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
    child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test("a configuration backup of the project's own files is verified, with the empty globs as warnings", async () => {
  const r = await sys.graphql<{ triggerBackup: { id: string } }>('mutation { triggerBackup(input: { type: CONFIGURATION }) { id } }', {}, admin);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const jobId = r.data!.triggerBackup.id;
  const job = await eventually('the configuration backup verified', async () => {
    const j = await jobOf(sys, admin, jobId);
    return j.backups[0]?.status === 'VERIFIED' || j.backups[0]?.status === 'FAILED' ? j : undefined;
  }, 60_000);
  const one = await sys.graphql<{ backup: BackupView & { warnings: string[] } }>(`{ backup(id: "${job.backups[0].id}") { ${BACKUP_FIELDS} warnings } }`, {}, admin);
  backup = one.data!.backup;
  assert.equal(backup.status, 'VERIFIED', backup.error ?? '');
  assert.equal(backup.type, 'CONFIGURATION');
  assert.ok(backup.warnings.includes('glob "infra/k8s/**" matched nothing'), JSON.stringify(backup.warnings));
});

test('lifeboat config list shows the files without extracting them', async () => {
  const r = await lifeboat(['config', 'list', backup.id, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const files = JSON.parse(r.stdout) as { path: string; sha256: string }[];
  const paths = files.map((f) => f.path);
  assert.ok(paths.includes('docker-compose.yml'));
  assert.ok(paths.includes('.env.example'));
  assert.equal(files.find((f) => f.path === 'docker-compose.yml')!.sha256, createHash('sha256').update(await readFile(join(ROOT, 'docker-compose.yml'))).digest('hex'));
});

test('it restores into an empty directory with identical contents, file by file', async () => {
  const into = join(work, 'restored');
  const r = await lifeboat(['config', 'restore', backup.id, '--into', into, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const restored = await filesUnder(into);
  const listed = JSON.parse((await lifeboat(['config', 'list', backup.id, '--json'])).stdout) as { path: string; type: string }[];
  assert.deepEqual(Object.keys(restored).sort(), listed.filter((f) => f.type === 'file').map((f) => f.path).sort());
  for (const [path, f] of Object.entries(restored)) {
    const original = await lstat(join(ROOT, path));
    assert.equal(f.sha256, createHash('sha256').update(await readFile(join(ROOT, path))).digest('hex'), path);
    assert.equal(f.mode, original.mode & 0o777, `${path} mode`);
    assert.equal(f.mtime, Math.floor(original.mtimeMs / 1000), `${path} mtime`);
  }
});

test('a non-empty directory is refused unless --overwrite, and only an admin may restore', async () => {
  const into = join(work, 'busy');
  await rm(into, { recursive: true, force: true });
  await lifeboat(['config', 'restore', backup.id, '--into', into]);
  await writeFile(join(into, 'docker-compose.yml'), 'changed locally\n');
  const refused = await lifeboat(['config', 'restore', backup.id, '--into', into]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /CONFLICT/);
  assert.equal(await readFile(join(into, 'docker-compose.yml'), 'utf8'), 'changed locally\n');
  const overwritten = await lifeboat(['config', 'restore', backup.id, '--into', into, '--overwrite']);
  assert.equal(overwritten.code, 0, overwritten.stderr);
  assert.equal(await readFile(join(into, 'docker-compose.yml'), 'utf8'), await readFile(join(ROOT, 'docker-compose.yml'), 'utf8'));
  await sys.graphql('mutation { createUser(input: { email: "op@example.com", password: "operator-password-1", role: OPERATOR }) { id } }', {}, admin);
  const operator = await sys.login('op@example.com', 'operator-password-1');
  const r = await sys.graphql(`mutation { restoreConfiguration(backupId: "${backup.id}", into: "${join(work, 'op')}") { files } }`, {}, operator);
  assert.equal(r.errors?.[0].extensions?.code, 'FORBIDDEN');
});
