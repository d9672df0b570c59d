/**
 * A configuration restore whose service dies mid-way ends FAILED (never RUNNING for good) and its
 * spool file is removed: a configuration of many files (so that extracting them takes a while) is
 * backed up, restored, and the restore service killed while it extracts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@lifeboat/testkit';
import { type GraphQLResult, jobOf, startSystem, type System, waitForRestore } from '../src/index';

const FILES = 20_000;

let sys: System;
let admin: string;
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'lifeboat-config-crash-'));
  const many = join(work, 'root', 'many');
  for (let d = 0; d < FILES / 500; d++) {
    await mkdir(join(many, `d${d}`), { recursive: true });
    await Promise.all(Array.from({ length: 500 }, (_, f) => writeFile(join(many, `d${d}`, `f${f}.conf`), randomBytes(1024))));
  }
  sys = await startSystem({ tenants: 1, env: { LIFEBOAT_CONFIG_ROOT: join(work, 'root'), LIFEBOAT_CONFIG_GLOBS: 'many/**' } });
  admin = await sys.login();
});

after(async () => {
  await sys?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('the restore service killed while it extracts a configuration: the restore ends FAILED and its spool file is gone', async () => {
  const r = await sys.graphql<{ triggerBackup: { id: string } }>('mutation { triggerBackup(input: { type: CONFIGURATION }) { id } }', {}, admin);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const job = await eventually('the configuration backup verified', async () => {
    const j = await jobOf(sys, admin, r.data!.triggerBackup.id);
    return j.backups[0]?.status === 'VERIFIED' || j.backups[0]?.status === 'FAILED' ? j : undefined;
  }, 120_000);
  const backup = job.backups[0];
  assert.equal(backup.status, 'VERIFIED', backup.error ?? '');

  const into = join(work, 'restored');
  // Answered only when the restore ends, which the kill prevents: its outcome is read from the log.
  const mutation = sys.graphql(`mutation ($id: ID!, $into: String!) { restoreConfiguration(backupId: $id, into: $into) { files } }`, { id: backup.id, into }, admin).catch((err: unknown) => ({ errors: [err] }) as GraphQLResult<unknown>);
  const id = await eventually(
    'the configuration restore extracting',
    async () => {
      const list = await sys.graphql<{ restores: { id: string; status: string; backup: { id: string } | null }[] }>('{ restores(limit: 20) { id status backup { id } } }', {}, admin);
      const running = list.data?.restores.find((l) => l.backup?.id === backup.id && l.status === 'RUNNING');
      return running && existsSync(join(into, 'many')) ? running.id : undefined;
    },
    60_000,
    20,
  );
  process.kill(sys.supervisor.pid('restore')!, 'SIGKILL');
  const log = await waitForRestore(sys, admin, id, 120_000);
  assert.equal(log.status, 'FAILED');
  assert.match(log.errorMessage ?? '', /stopped before it finished/);
  assert.deepEqual((await readdir(sys.spoolDir)).filter((f) => f.startsWith(id)), [], 'its spool file is removed');
  await mutation;
});
