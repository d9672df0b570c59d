/**
 * Server settings as lines of `postgresql.auto.conf`, the file ALTER SYSTEM writes and PostgreSQL
 * reads after postgresql.conf (so its values win). Written in ALTER SYSTEM's own format, one
 * `name = 'value'` line per setting, so that ALTER SYSTEM keeps working on the same file.
 */
import { LifeboatError } from '@lifeboat/errors';

export type SettingValue = string | number | boolean;
export type Settings = Record<string, SettingValue>;

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const LINE = /^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=/;

/** `'value'` with quotes and backslashes doubled, as ALTER SYSTEM writes it (the configuration
 *  parser reads backslash escapes inside quotes); booleans as on/off. */
export function quoteSetting(value: SettingValue): string {
  const text = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(text)) throw new LifeboatError('BAD_USER_INPUT', `a setting value holds a control character: ${JSON.stringify(text)}`);
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * `text` (the current postgresql.auto.conf) with each setting set: an existing line for the same
 * name (names are case-insensitive) is replaced where it stands, later duplicates are dropped,
 * new names are appended. Other lines (comments) are kept.
 */
export function mergeSettings(text: string, settings: Settings): string {
  for (const name of Object.keys(settings)) {
    if (!NAME.test(name)) throw new LifeboatError('BAD_USER_INPUT', `invalid setting name ${JSON.stringify(name)}`);
  }
  const wanted = new Map(Object.entries(settings).map(([name, value]) => [name.toLowerCase(), `${name} = ${quoteSetting(value)}`]));
  const written = new Set<string>();
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const name = LINE.exec(line)?.[1].toLowerCase();
    if (name === undefined || !wanted.has(name)) {
      lines.push(line);
    } else if (!written.has(name)) {
      lines.push(wanted.get(name)!);
      written.add(name);
    }
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const [name, line] of wanted) if (!written.has(name)) lines.push(line);
  return `${lines.join('\n')}\n`;
}
