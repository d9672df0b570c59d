/**
 * PostgreSQL's COPY text format, for streaming generated rows into `COPY ... FROM STDIN`:
 * tab-separated columns, `\N` for NULL, backslash escapes for backslash, newline, carriage return
 * and tab, one row per line.
 */

export type CopyValue = string | number | boolean | null | undefined | readonly string[] | Date | object;

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeText(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s;
}

/** A text[] literal: every element double-quoted, with `"` and `\` backslash-escaped. */
function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((i) => `"${i.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * One value as COPY text. Arrays are text[] literals, Dates ISO timestamps, other objects jsonb;
 * null and undefined are NULL.
 */
export function copyValue(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'string') return escapeText(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return escapeText(arrayLiteral(v as readonly string[]));
  return escapeText(JSON.stringify(v));
}

/** One row as a COPY text line, newline included. */
export function copyRow(values: readonly CopyValue[]): string {
  let line = copyValue(values[0]);
  for (let i = 1; i < values.length; i++) line += '\t' + copyValue(values[i]);
  return line + '\n';
}
