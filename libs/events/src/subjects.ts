/**
 * Subject and stream names. A namespace (empty by default) prefixes every subject and stream so
 * that several Lifeboats, or parallel test runs, can share one NATS server without seeing each
 * other's messages.
 */
import { EVENT_TYPES, type EventType } from './catalog';

export class Subjects {
  constructor(readonly namespace = '') {}

  #prefix(subject: string): string {
    return this.namespace ? `${this.namespace}.${subject}` : subject;
  }

  #stream(name: string): string {
    return this.namespace ? `${this.namespace.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${name}` : name;
  }

  event(type: EventType): string {
    return this.#prefix(type);
  }

  /** The event type of a subject of this namespace, or undefined. */
  eventTypeOf(subject: string): EventType | undefined {
    const bare = this.namespace ? subject.slice(this.namespace.length + 1) : subject;
    return EVENT_TYPES.find((t) => t === bare);
  }

  job(kind: string): string {
    return this.#prefix(`jobs.${kind}`);
  }

  /** `progress.<kind>.<id...>`: ids may have several tokens (`<jobId>.<backupId>`), and `*` matches one. */
  progress(kind: string, ...ids: string[]): string {
    return this.#prefix(`progress.${kind}.${ids.join('.')}`);
  }

  /** Every subject of the events stream: one wildcard per event domain. */
  eventStreamSubjects(): string[] {
    const domains = [...new Set(EVENT_TYPES.map((t) => t.split('.')[0]))];
    return domains.map((d) => this.#prefix(`${d}.>`));
  }

  get eventsStream(): string {
    return this.#stream('LIFEBOAT_EVENTS');
  }

  get jobsStream(): string {
    return this.#stream('LIFEBOAT_JOBS');
  }

  get jobsWildcard(): string {
    return this.#prefix('jobs.>');
  }

  /** A durable consumer name: letters, digits, - and _ only. */
  durable(...parts: string[]): string {
    return parts.join('__').replace(/[^A-Za-z0-9_-]/g, '_');
  }
}
