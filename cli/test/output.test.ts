/** Human formatting of the CLI's output, and the progress line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCopies, formatRatio, formatTime, renderTable } from '../src/output';
import { ProgressBar, renderProgress } from '../src/progress-bar';

test('sizes in decimal units', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1000), '1.0 kB');
  assert.equal(formatBytes(12_345_678), '12.3 MB');
  assert.equal(formatBytes(4.2e12), '4.2 TB');
  assert.equal(formatBytes(null), '-');
});

test('times in UTC to the second, ratios, copies', () => {
  assert.equal(formatTime('2025-06-01T02:00:13.456Z'), '2025-06-01 02:00:13Z');
  assert.equal(formatTime(null), '-');
  assert.equal(formatRatio(3.456), '3.5x');
  assert.equal(formatRatio(null), '-');
  const copies = ['VERIFIED', 'STORED', 'CORRUPT', 'MISSING', 'UPLOADING', 'DELETED'].map((status, i) => ({ location: `l${i}`, status }));
  assert.equal(formatCopies(copies), 'l0✓ l1✓ l2✗ l3✗ l4… l5-');
  assert.equal(formatCopies([]), '-');
});

test('a table pads every column to its widest cell, numbers to the right', () => {
  const sut = renderTable(
    [
      { header: 'NAME', value: (r: { name: string; size: string }) => r.name },
      { header: 'SIZE', value: (r) => r.size, align: 'right' },
      { header: 'COPIES', value: () => 'a✓ b✗' },
    ],
    [
      { name: 'x', size: '1.0 kB' },
      { name: 'longer', size: '5 B' },
    ],
  );
  assert.equal(sut, 'NAME      SIZE  COPIES\nx       1.0 kB  a✓ b✗\nlonger     5 B  a✓ b✗\n');
});

test('the progress line shows the bar only with a percentage, and the rate once known', () => {
  assert.equal(renderProgress({ phase: 'dump', bytesIn: 5e8, bytesOut: 1.2e8 }, undefined), 'dump  read 500.0 MB  written 120.0 MB');
  assert.equal(
    renderProgress({ phase: 'upload', bytesIn: 5e8, bytesOut: 1.2e8, percent: 50, message: 'r2' }, 2.5e7),
    `[${'#'.repeat(12)}${'-'.repeat(12)}]  50%  upload  read 500.0 MB  written 120.0 MB  25.0 MB/s  r2`,
  );
});

test('the progress bar redraws one line in place, at most every 100 ms, within the terminal width', () => {
  const written: string[] = [];
  let now = 0;
  const stream = { columns: 40, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
  const sut = new ProgressBar(stream, () => now);
  sut.status('backup job j: PENDING');
  now = 50;
  sut.update({ phase: 'dump', bytesIn: 0, bytesOut: 0 });
  now = 1000;
  sut.update({ phase: 'dump', bytesIn: 10_000_000, bytesOut: 4_000_000 });
  sut.done();
  assert.deepEqual(written, ['\r\x1b[2Kbackup job j: PENDING', '\r\x1b[2Kdump  read 10.0 MB  written 4.0 MB  10.', '\r\x1b[2K']);
});
