/** Options every Lifeboat process reads. */
import { oneOf, secret, str, url } from './options';

export const commonOptions = {
  LIFEBOAT_DATABASE_URL: url({
    description: 'Metadata database (PostgreSQL); created when missing, one schema per service',
    protocols: ['postgres', 'postgresql'],
    default: 'postgres://postgres@127.0.0.1:5432/lifeboat',
  }),
  LIFEBOAT_NATS_URL: str({
    description: 'NATS server(s) with JetStream, comma separated',
    default: 'nats://127.0.0.1:4222',
  }),
  LIFEBOAT_NATS_NAMESPACE: str({
    description: 'Prefix for NATS subjects and stream names, to run several Lifeboats on one NATS (empty: none)',
    default: '',
    allowEmpty: true,
    pattern: /^([a-z0-9_-]+)?$/,
  }),
  LIFEBOAT_INTERNAL_SECRET: secret({
    description: 'Shared secret the gateway signs identity headers with; subgraphs refuse unsigned requests',
    minLength: 32,
  }),
  LIFEBOAT_LOG_LEVEL: oneOf({
    description: 'Log level',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const,
    default: 'info',
  }),
};

/** The protected database, for the services that read it; `use` says what this one does with it. */
export function sourceDatabaseOption(use: string) {
  return url({
    description: `The protected database (${use}); npm start runs a demo one`,
    protocols: ['postgres', 'postgresql'],
    default: 'postgres://postgres@127.0.0.1:5433/lifeboat_demo',
  });
}
