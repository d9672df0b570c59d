/** Structured JSON logs (pino) with the process's name on every line and secrets redacted by key. */
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

const REDACTED_KEYS = ['password', 'secret', 'token', 'authorization', 'key', 'masterKey', 'accessKeyId', 'secretAccessKey'];

export function createLogger(service: string, level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      name: service,
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`), 'req.headers.authorization'],
        censor: '[redacted]',
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
