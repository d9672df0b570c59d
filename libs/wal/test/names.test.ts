import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LifeboatError } from '@lifeboat/errors';
import { checkSystemId, parseWalFileName, precedesBaseBackup, segmentInfo, segmentNameOf, walKey } from '../src/index';

const badInput = (err: LifeboatError) => err.code === 'BAD_USER_INPUT';

test('the four kinds of archived files are recognised, with their timeline', () => {
  assert.deepEqual(parseWalFileName('0000000A0000000100000002'), { name: '0000000A0000000100000002', kind: 'segment', timeline: 10 });
  assert.deepEqual(parseWalFileName('000000020000000100000002.partial'), { name: '000000020000000100000002.partial', kind: 'partial', timeline: 2 });
  assert.deepEqual(parseWalFileName('00000002.history'), { name: '00000002.history', kind: 'history', timeline: 2 });
  assert.deepEqual(parseWalFileName('000000010000000000000002.00000028.backup'), { name: '000000010000000000000002.00000028.backup', kind: 'backup-history', timeline: 1 });
});

test('anything else is refused with BAD_USER_INPUT', () => {
  for (const name of [
    '',
    '00000001000000000000000',
    '0000000100000000000000011',
    '00000001000000000000000a',
    '00000000000000000000000A',
    '00000002.History',
    '0000002.history',
    '000000010000000000000002.backup',
    '000000010000000000000001.partial.tmp',
    '../000000010000000000000001',
    'RECOVERYXLOG',
    '.tmp-000000010000000000000001-abc',
  ]) {
    assert.throws(() => parseWalFileName(name), badInput, name);
  }
});

test('segment names give their LSN range: log << 32 plus seg times the segment size', () => {
  assert.deepEqual(segmentInfo('000000010000000000000001'), { kind: 'segment', timeline: 1, startLsn: '0/1000000', endLsn: '0/2000000' });
  assert.deepEqual(segmentInfo('00000003000000AB000000FF'), { kind: 'segment', timeline: 3, startLsn: 'AB/FF000000', endLsn: 'AC/0' });
  assert.deepEqual(segmentInfo('000000010000000000000000.partial'), { kind: 'partial', timeline: 1, startLsn: '0/0', endLsn: '0/1000000' });
  assert.deepEqual(segmentInfo('000000010000000200000003', 1024 ** 3), { kind: 'segment', timeline: 1, startLsn: '2/C0000000', endLsn: '3/0' });
  assert.deepEqual(segmentInfo('000000010000000000000FFF', 1024 * 1024), { kind: 'segment', timeline: 1, startLsn: '0/FFF00000', endLsn: '1/0' });
  assert.deepEqual(segmentInfo('FFFFFFFF00000010000000FE'), { kind: 'segment', timeline: 0xffffffff, startLsn: '10/FE000000', endLsn: '10/FF000000' });
});

test('history files have a timeline and no LSN range', () => {
  assert.deepEqual(segmentInfo('0000000A.history'), { kind: 'history', timeline: 10 });
  assert.deepEqual(segmentInfo('000000010000000000000002.00000028.backup'), { kind: 'backup-history', timeline: 1 });
});

test('a seg part beyond the last segment of a log, or an impossible segment size, is refused', () => {
  assert.throws(() => segmentInfo('000000010000000000000100'), badInput);
  assert.throws(() => segmentInfo('000000010000000000000004', 1024 ** 3), badInput);
  assert.throws(() => segmentInfo('000000010000000000000001', 3 * 1024 * 1024), badInput);
  assert.throws(() => segmentInfo('000000010000000000000001', 512 * 1024), badInput);
});

test('the WAL key is wal/<system id>/<name>.gz.enc, and both parts are checked', () => {
  assert.equal(walKey('7312345678901234567', '000000010000000000000001'), 'wal/7312345678901234567/000000010000000000000001.gz.enc');
  assert.equal(walKey('7312345678901234567', '00000002.history'), 'wal/7312345678901234567/00000002.history.gz.enc');
  assert.throws(() => walKey('7312345678901234567', '../../x'), badInput);
  for (const id of ['', '0', '0123', '-1', '18446744073709551616', '1e9', '73123456789012345670']) assert.throws(() => checkSystemId(id), badInput, id);
  assert.equal(checkSystemId('18446744073709551615'), '18446744073709551615');
});

test('segmentNameOf names the segment holding an LSN, the inverse of segmentInfo', () => {
  assert.equal(segmentNameOf(1, '0/2000028'), '000000010000000000000002');
  assert.equal(segmentNameOf(3, 'AB/FF000000'), '00000003000000AB000000FF');
  assert.equal(segmentNameOf(3, 'AB/FFFFFFFF'), '00000003000000AB000000FF');
  assert.equal(segmentNameOf(2, '1/0', 64 * 1024 * 1024), '000000020000000100000000');
  assert.equal(segmentNameOf(2, '0/C000000', 64 * 1024 * 1024), '000000020000000000000003');
  for (const name of ['000000010000000000000001', '00000003000000AB000000FF']) {
    const info = segmentInfo(name);
    assert.equal(segmentNameOf(info.timeline, info.startLsn!), name);
  }
  assert.throws(() => segmentNameOf(1, 'nope'), /not a WAL position/);
  assert.throws(() => segmentNameOf(0, '0/1'), /not a WAL position/);
});

test('precedesBaseBackup: only files a base backup starting there can never replay', () => {
  const start = '000000020000000000000008';
  assert.equal(precedesBaseBackup('000000020000000000000007', start), true);
  assert.equal(precedesBaseBackup('000000020000000000000007.partial', start), true);
  assert.equal(precedesBaseBackup('000000020000000000000007.00000028.backup', start), true);
  assert.equal(precedesBaseBackup('000000010000000000000009', start), true, 'an earlier timeline');
  assert.equal(precedesBaseBackup('000000020000000000000008', start), false, 'the start segment itself');
  assert.equal(precedesBaseBackup('000000020000000000000008.00000028.backup', start), false, "the base backup's own history file");
  assert.equal(precedesBaseBackup('000000030000000000000001', start), false, 'a later timeline');
  assert.equal(precedesBaseBackup('00000001.history', start), false, 'history files are always kept');
});
