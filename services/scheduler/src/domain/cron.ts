/**
 * Cron expressions read in an IANA timezone (croner: 5 fields, or 6 with seconds first). Times
 * that do not exist on a spring-forward day run at the first valid time after, and times that
 * occur twice on a fall-back day run once: daylight saving neither skips nor doubles a run.
 */
import { Cron } from 'croner';
import { LifeboatError } from '@lifeboat/errors';

export function checkTimezone(field: string, timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new LifeboatError('BAD_USER_INPUT', `${field}: "${timezone}" is not an IANA timezone (e.g. UTC, Europe/Paris, America/New_York)`);
  }
}

function parse(field: string, expression: string, timezone: string): Cron {
  const fields = expression.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) throw new LifeboatError('BAD_USER_INPUT', `${field}: "${expression}" must have 5 fields (minute hour day month weekday) or 6 (seconds first)`);
  try {
    return new Cron(expression, { timezone, paused: true });
  } catch (err) {
    throw new LifeboatError('BAD_USER_INPUT', `${field}: "${expression}" is not a valid cron expression: ${(err as Error).message}`);
  }
}

/** Validates both, naming the field at fault. */
export function checkSchedule(cron: string, timezone: string): void {
  checkTimezone('timezone', timezone);
  if (nextOccurrence(cron, timezone, new Date()) === null) throw new LifeboatError('BAD_USER_INPUT', `cron: "${cron}" never fires`);
}

/** The first occurrence strictly after `after`, or null if there is none. */
export function nextOccurrence(cron: string, timezone: string, after: Date): Date | null {
  return parse('cron', cron, timezone).nextRun(after);
}

/** Occurrences in (from, to], oldest first, at most `limit`. */
export function occurrencesBetween(cron: string, timezone: string, from: Date, to: Date, limit: number): Date[] {
  const pattern = parse('cron', cron, timezone);
  const out: Date[] = [];
  for (let next = pattern.nextRun(from); next && next <= to && out.length < limit; next = pattern.nextRun(next)) out.push(next);
  return out;
}
