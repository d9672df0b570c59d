/** The envelope every event travels in; its id is also the JetStream message id (publisher dedupe). */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LifeboatError } from '@lifeboat/errors';
import { type EventData, type EventType, currentVersion, isEventType, schemaFor } from './catalog';

export interface Envelope<T extends EventType = EventType> {
  id: string;
  type: T;
  version: number;
  occurredAt: string;
  source: string;
  correlationId: string;
  causationId: string | null;
  data: EventData<T>;
}

export interface EnvelopeOptions {
  id?: string;
  correlationId?: string;
  causationId?: string | null;
  occurredAt?: Date;
}

const envelopeShape = z.object({
  id: z.string().min(1),
  type: z.string(),
  version: z.number().int().positive(),
  occurredAt: z.string().datetime(),
  source: z.string().min(1),
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  data: z.unknown(),
});

export function createEnvelope<T extends EventType>(
  type: T,
  data: EventData<T>,
  source: string,
  options: EnvelopeOptions = {},
): Envelope<T> {
  const id = options.id ?? randomUUID();
  const envelope = {
    id,
    type,
    version: currentVersion(type),
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    source,
    correlationId: options.correlationId ?? id,
    causationId: options.causationId ?? null,
    data,
  };
  return validateEnvelope(envelope) as unknown as Envelope<T>;
}

/** Checks an envelope and its payload against the catalog; throws EVENT_INVALID naming what is wrong. */
export function validateEnvelope(value: unknown): Envelope {
  const shape = envelopeShape.safeParse(value);
  if (!shape.success) {
    throw new LifeboatError('EVENT_INVALID', `event envelope invalid: ${formatIssues(shape.error)}`);
  }
  const env = shape.data;
  if (!isEventType(env.type)) throw new LifeboatError('EVENT_INVALID', `unknown event type "${env.type}"`);
  const schema = schemaFor(env.type, env.version);
  if (!schema) {
    throw new LifeboatError('EVENT_INVALID', `event ${env.type} has unknown version ${env.version}`);
  }
  const data = schema.safeParse(env.data);
  if (!data.success) {
    throw new LifeboatError('EVENT_INVALID', `event ${env.type} v${env.version} payload invalid: ${formatIssues(data.error)}`);
  }
  return { ...env, type: env.type, data: data.data } as Envelope;
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
