/**
 * How the benchmarks print their numbers: memory as the kernel counts it (1 MiB = 2^20 bytes),
 * files and databases in decimal units, database sizes also as pg_size_pretty prints them.
 */
export const MIB = 1024 * 1024;

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
export const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;
export const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;
/** As pg_size_pretty and psql's \l+ print it. */
export const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
export const pad = (text: string, width: number) => text.padEnd(width);
/** A number right-aligned in a column of 7. */
export const num = (value: number, digits = 2) => value.toFixed(digits).padStart(7);
export const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
