/** Removes secrets from arguments before they are written to the audit log. */
const SECRET_KEY = /pass(word)?|secret|token|credential|private|apikey|api_key|^key$|masterkey/i;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v)]));
  }
  return value;
}
