/**
 * How commands print data: `--json` writes the API's own objects as JSON, otherwise aligned
 * tables and human units. Tables and units are for people; scripts use `--json`.
 */

export function printJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

export interface Column<Row> {
  header: string;
  value(row: Row): string;
  /** Numbers read best right-aligned. */
  align?: 'right';
}

/** Columns separated by two spaces, padded to their widest cell; a header line first. */
export function renderTable<Row>(columns: Column<Row>[], rows: readonly Row[]): string {
  const cells = [columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => c.value(row)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => [...line[i]].length)));
  const pad = (text: string, i: number): string => {
    const fill = ' '.repeat(widths[i] - [...text].length);
    return columns[i].align === 'right' ? fill + text : text + fill;
  };
  return cells.map((line) => line.map(pad).join('  ').trimEnd()).join('\n') + '\n';
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Decimal units (1 MB = 10^6 bytes), one decimal from kB on; `-` for an unknown size. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '-';
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `2025-06-01 02:00:13Z`: UTC to the second; `-` when absent. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Original size over stored size: `3.4x`; `-` when unknown. */
export function formatRatio(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '-' : `${ratio.toFixed(1)}x`;
}

const COPY_MARKS: Record<string, string> = {
  STORED: '✓',
  VERIFIED: '✓',
  CORRUPT: '✗',
  MISSING: '✗',
  PENDING: '…',
  UPLOADING: '…',
  DELETED: '-',
};

/** `local✓ r2✓ b2✗`: ✓ stored or verified, ✗ corrupt or missing, … pending or uploading, - deleted. */
export function formatCopies(copies: readonly { location: string; status: string }[]): string {
  if (copies.length === 0) return '-';
  return copies.map((c) => `${c.location}${COPY_MARKS[c.status] ?? '?'}`).join(' ');
}
