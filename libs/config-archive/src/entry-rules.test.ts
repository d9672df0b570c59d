import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type LifeboatError } from '@lifeboat/errors';
import { type EntryShape, linkProblem, pathProblem, refuseUnsafeEntries } from './entry-rules';

test('a path must be plain and relative', () => {
  for (const ok of ['a', '.env.production', 'infra/k8s/app.yaml', 'a..b/c', '...', 'c:notes']) assert.equal(pathProblem(ok), undefined, ok);
  for (const bad of ['', '/etc/x', 'C:\\x', 'C:/x', 'c:', 'a\\b', 'a\0b', '..', '../evil', 'a/../../evil', 'a/..', 'a//b', './a', 'a/./b', 'a/']) {
    assert.notEqual(pathProblem(bad), undefined, JSON.stringify(bad));
  }
});

test('a link may climb with leading ".." up to the target directory, and no further', () => {
  const sut = linkProblem;
  assert.equal(sut('a/b/link', '../../x'), undefined);
  assert.equal(sut('a/link', '../x/./y'), undefined);
  assert.equal(sut('link', 'infra/nginx.conf'), undefined);
  assert.equal(sut('link', '.'), undefined);
  assert.match(sut('a/link', '../../x') ?? '', /outside/);
  assert.match(sut('link', '..') ?? '', /outside/);
  assert.match(sut('link', '/etc') ?? '', /absolute/);
  assert.match(sut('link', 'sub/../..') ?? '', /after naming/);
  assert.match(sut('a/b/link', 'x/../y') ?? '', /after naming/);
  assert.notEqual(sut('link', ''), undefined);
  assert.notEqual(sut('link', 'C:\\Windows'), undefined);
  assert.notEqual(sut('link', 'a\\b'), undefined);
});

test('one unsafe entry refuses the whole list, naming it', () => {
  const file = (path: string): EntryShape => ({ path, type: 'file' });
  const link = (path: string, linkTarget: string): EntryShape => ({ path, type: 'symlink', linkTarget });
  const refused: [string, EntryShape[], string][] = [
    ['hard link', [file('a'), { path: 'b', type: 'hardlink', linkTarget: 'a' }], 'b'],
    ['fifo', [{ path: 'p', type: 'fifo' }], 'p'],
    ['device', [{ path: 'd', type: 'character-device' }], 'd'],
    ['duplicate', [file('a'), file('b'), file('a')], 'a'],
    ['file and directory of one name', [file('a'), { path: 'a', type: 'directory' }], 'a'],
    ['through a link declared first', [link('link', 'sub'), file('link/file')], 'link/file'],
    ['through a link declared later', [file('link/file'), link('link', 'sub')], 'link/file'],
    ['through a file', [file('a'), file('a/b')], 'a/b'],
    ['link outside', [link('x/link', '../../outside')], 'x/link'],
    ['traversal', [file('ok'), file('a/../../evil')], 'a/../../evil'],
  ];
  for (const [name, entries, named] of refused) {
    assert.throws(
      () => refuseUnsafeEntries(entries),
      (err: LifeboatError) => err.code === 'UNSAFE_ARCHIVE' && err.details.entry === named,
      name,
    );
  }
  assert.doesNotThrow(() => refuseUnsafeEntries([{ path: 'infra', type: 'directory' }, file('infra/nginx.conf'), link('infra/current.conf', 'nginx.conf'), link('top', '.')]));
});
