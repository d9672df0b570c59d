/** What `lifeboat` does with its arguments: help, version, and exit code 2 for every usage error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './run-cli';

const COMMANDS = ['login', 'backup full', 'backup verify', 'backups list', 'restore', 'config list', 'config restore', 'decrypt', 'inspect', 'catalog rebuild', 'wal-push', 'wal-fetch', 'version'];

test('lifeboat --help lists every command and exits 0', async () => {
  const sut = await runCli(['--help']);
  assert.equal(sut.code, 0);
  for (const name of COMMANDS) assert.match(sut.stdout.toString(), new RegExp(`^  ${name} `, 'm'));
});

test('every command answers --help with its usage, and exits 0', async () => {
  for (const name of COMMANDS) {
    const sut = await runCli([...name.split(' '), '--help']);
    assert.equal(sut.code, 0, name);
    assert.ok(sut.stdout.toString().startsWith(`Usage: lifeboat ${name}`), name);
  }
});

test('a command group answers --help with its commands', async () => {
  const sut = await runCli(['backup', '--help']);
  assert.equal(sut.code, 0);
  assert.match(sut.stdout.toString(), /backup full/);
  assert.match(sut.stdout.toString(), /backup verify/);
});

test('lifeboat version prints the package version', async () => {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  const sut = await runCli(['version']);
  assert.equal(sut.code, 0);
  assert.match(sut.stdout.toString(), new RegExp(`^lifeboat ${version.replace(/\./g, '\\.')} `));
  const json = await runCli(['--version', '--json']);
  assert.equal((JSON.parse(json.stdout.toString()) as { version: string }).version, version);
});

const usageErrors: { args: string[]; says: RegExp }[] = [
  { args: [], says: /Usage: lifeboat <command>/ },
  { args: ['frobnicate'], says: /unknown command "frobnicate"/ },
  { args: ['backup'], says: /needs one of: full, verify/ },
  { args: ['backup', 'hourly'], says: /needs one of: full, verify/ },
  { args: ['backups', 'list', '--colour'], says: /Unknown option '--colour'/ },
  { args: ['backups', 'list', '--limit', 'ten'], says: /--limit must be an integer/ },
  { args: ['backups', 'list', '--type', 'WEEKLY'], says: /--type must be one of FULL_DATABASE/ },
  { args: ['backups', 'list', '--status', 'DONE'], says: /--status must be one of PENDING/ },
  { args: ['backups', 'list', 'extra'], says: /unexpected argument "extra"/ },
  { args: ['backup', 'verify'], says: /missing the backup ID/ },
  { args: ['backup', 'verify', 'a', 'b'], says: /unexpected argument "b"/ },
  { args: ['login'], says: /--email is required/ },
  { args: ['login', '--email'], says: /argument missing/ },
  { args: ['decrypt', '--in', 'x.artifact'], says: /no keys: pass --key-file/ },
  { args: ['catalog', 'rebuild'], says: /--location is required/ },
];

for (const { args, says } of usageErrors) {
  test(`lifeboat ${args.join(' ') || '(nothing)'}: exit 2 with a message`, async () => {
    const sut = await runCli(args);
    assert.equal(sut.code, 2, sut.stderr);
    assert.match(sut.stderr, says);
    assert.equal(sut.stdout.length, 0);
  });
}
