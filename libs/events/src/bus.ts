/**
 * The NATS side of every Lifeboat process: streams created idempotently, validated event
 * publishing with the envelope id as `Nats-Msg-Id`, durable idempotent consumers, the job work
 * queue, and core NATS progress messages.
 */
import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  JSONCodec,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type Msg,
  type NatsConnection,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  connect,
  headers,
  nanos,
} from 'nats';
import { LifeboatError, errorCodeOf, messageOf } from '@lifeboat/errors';
import { type EventData, type EventType } from './catalog';
import { type Envelope, type EnvelopeOptions, createEnvelope, validateEnvelope } from './envelope';
import { type Inbox } from './inbox';
import { JOB_CATALOG, type JobKind, type JobPayload } from './jobs';
import { LiveIterator } from './live-iterator';
import { Subjects } from './subjects';

/** The part of a logger the bus needs (pino fits). */
export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface BusOptions {
  servers: string;
  /** Process name: the `source` of published events and the NATS connection name. */
  source: string;
  namespace?: string;
  logger: BusLogger;
}

export interface ConsumeOptions {
  /** How long a delivered message may go unacknowledged before redelivery. */
  ackWaitMs?: number;
  maxDeliver?: number;
  /**
   * The handler is idempotent by itself (one statement whose second run changes nothing, such as
   * insert-or-ignore or an update conditioned on the newer value): it runs without a transaction
   * and without recording the event's id, which costs more than the statement (Inbox.runEach).
   */
  idempotent?: boolean;
}

export interface Job<K extends JobKind> {
  id: string;
  kind: K;
  payload: JobPayload<K>;
  /** 1 on first delivery. */
  delivery: number;
}

export interface Stoppable {
  stop(): Promise<void>;
}

const codec = JSONCodec();
/** At most this many events are handled in one transaction (and pulled ahead of their handling). */
const EVENT_BATCH = 32;
const DAY_MS = 86_400_000;
/**
 * Progress messages go out together, at most this long after the first of them: a tenant job's
 * many short backups each report several phases, and each message sent alone costs a socket write.
 */
const PROGRESS_BATCH_MS = 20;

export class EventBus {
  readonly subjects: Subjects;
  readonly #stoppers = new Set<Stoppable>();
  readonly #progress: { subject: string; data: Uint8Array }[] = [];
  #progressTimer?: NodeJS.Timeout;

  private constructor(
    readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly options: BusOptions,
  ) {
    this.subjects = new Subjects(options.namespace ?? '');
  }

  static async connect(options: BusOptions): Promise<EventBus> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: options.servers.split(',').map((s) => s.trim()),
        name: options.source,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 1000,
        timeout: 5000,
      });
    } catch (err) {
      throw new LifeboatError('DEPENDENCY_UNAVAILABLE', `cannot connect to NATS at ${options.servers}: ${messageOf(err)}`, {
        cause: err,
        hint: 'start nats-server with JetStream (-js) or set LIFEBOAT_NATS_URL',
      });
    }
    const jsm = await nc.jetstreamManager({ timeout: 10_000 });
    const bus = new EventBus(nc, jsm, nc.jetstream({ timeout: 10_000 }), options);
    await bus.ensureStreams();
    return bus;
  }

  /** Creates or updates the events and jobs streams; safe to call from many processes at once. */
  async ensureStreams(): Promise<void> {
    await this.#ensureStream({
      name: this.subjects.eventsStream,
      subjects: this.subjects.eventStreamSubjects(),
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: nanos(30 * DAY_MS),
      duplicate_window: nanos(2 * 60_000),
    });
    await this.#ensureStream({
      name: this.subjects.jobsStream,
      subjects: [this.subjects.jobsWildcard],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      max_age: nanos(7 * DAY_MS),
      duplicate_window: nanos(10 * 60_000),
    });
  }

  async #ensureStream(config: Partial<StreamConfig> & { name: string }): Promise<void> {
    try {
      const info = await this.jsm.streams.info(config.name);
      const same = JSON.stringify([...(info.config.subjects ?? [])].sort()) === JSON.stringify([...(config.subjects ?? [])].sort());
      if (!same) await this.jsm.streams.update(config.name, { ...info.config, subjects: config.subjects });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await this.jsm.streams.add(config);
      } catch (addErr) {
        // Another process created it between our info and add: that is the state we want.
        if (!/already in use/i.test(messageOf(addErr))) throw addErr;
      }
    }
  }

  /** Validates and publishes an event; resolves once JetStream stored it (or knew its id). */
  async publish<T extends EventType>(type: T, data: EventData<T>, options: EnvelopeOptions = {}): Promise<Envelope<T>> {
    const envelope = createEnvelope(type, data, this.options.source, options);
    const h = headers();
    h.set('Lifeboat-Event-Type', type);
    h.set('Lifeboat-Correlation-Id', envelope.correlationId);
    await this.js.publish(this.subjects.event(type), codec.encode(envelope), { msgID: envelope.id, headers: h });
    return envelope;
  }

  /**
   * A durable consumer of one event type. Every replica using the same `consumer` name shares it,
   * so each event is handled by one replica; `inbox` makes redeliveries harmless (or, with
   * `idempotent`, the handler itself does). Events that arrive together (up to EVENT_BATCH) are
   * handled in order in one transaction (each on its own, with `idempotent`), and each is acked
   * only after it committed. When that transaction fails, each event of it is handled again alone,
   * so that one failing handler holds back no other event: it gets its event again later, with
   * backoff. A payload that fails validation is terminated (it can never succeed) and logged.
   */
  async consume<T extends EventType, Tx>(
    consumer: string,
    type: T,
    inbox: Inbox<Tx>,
    handler: (event: Envelope<T>, tx: Tx) => Promise<void>,
    options: ConsumeOptions = {},
  ): Promise<Stoppable> {
    const durable = this.subjects.durable(consumer, type);
    await this.#ensureConsumer(this.subjects.eventsStream, durable, this.subjects.event(type), options);
    const handle = async (batch: { msg: JsMsg; event: Envelope<T> }[]): Promise<void> => {
      const items = batch.map(({ event }) => ({ eventId: event.id, fn: (tx: Tx) => handler(event, tx) }));
      if (options.idempotent) {
        await inbox.runEach(items);
        for (const { msg } of batch) msg.ack();
        return;
      }
      const ran = await inbox.onceEach(durable, items);
      batch.forEach(({ msg, event }, i) => {
        if (!ran[i]) this.options.logger.info({ consumer, eventId: event.id }, 'event already handled');
        msg.ack();
      });
    };
    return this.#loop(this.subjects.eventsStream, durable, EVENT_BATCH, async (msgs) => {
      const batch: { msg: JsMsg; event: Envelope<T> }[] = [];
      for (const msg of msgs) {
        try {
          batch.push({ msg, event: validateEnvelope(msg.json()) as unknown as Envelope<T> });
        } catch (err) {
          this.options.logger.error({ consumer, subject: msg.subject, seq: msg.seq, code: errorCodeOf(err), err: messageOf(err) }, 'event refused');
          msg.term();
        }
      }
      try {
        await handle(batch);
      } catch (err) {
        if (batch.length > 1) {
          for (const one of batch) await handle([one]).catch((e) => this.#retryLater(consumer, type, one, e));
        } else if (batch.length === 1) {
          this.#retryLater(consumer, type, batch[0], err);
        }
      }
    });
  }

  #retryLater(consumer: string, type: EventType, { msg, event }: { msg: JsMsg; event: Envelope }, err: unknown): void {
    const delay = backoffMs(msg.info.redeliveryCount);
    this.options.logger.warn({ consumer, eventId: event.id, type, code: errorCodeOf(err), err: messageOf(err), retryInMs: delay }, 'event handler failed');
    msg.nak(delay);
  }

  /** Puts a job on the work queue. The id dedupes a job enqueued twice within ten minutes. */
  async enqueueJob<K extends JobKind>(kind: K, payload: JobPayload<K>, id: string = randomUUID()): Promise<string> {
    const parsed = JOB_CATALOG[kind].payload.safeParse(payload);
    if (!parsed.success) throw new LifeboatError('EVENT_INVALID', `job ${kind} payload invalid: ${parsed.error.message}`);
    await this.js.publish(this.subjects.job(kind), codec.encode({ id, kind, payload: parsed.data }), { msgID: id });
    return id;
  }

  /**
   * Works jobs of one kind, `concurrency` at a time in this process. While a handler runs, the
   * message is kept in progress so a long job is not redelivered; if the process dies, the job is
   * delivered again to another worker after `ackWaitMs`. Handlers must therefore be idempotent
   * (look at their own records of the job id). A handler that throws has its job retried later.
   */
  async workJobs<K extends JobKind>(
    kind: K,
    handler: (job: Job<K>) => Promise<void>,
    options: { concurrency?: number; ackWaitMs?: number; maxDeliver?: number } = {},
  ): Promise<Stoppable> {
    const ackWaitMs = options.ackWaitMs ?? 30_000;
    const durable = this.subjects.durable('jobs', kind);
    await this.#ensureConsumer(this.subjects.jobsStream, durable, this.subjects.job(kind), {
      ackWaitMs,
      maxDeliver: options.maxDeliver ?? 5,
    });
    const loops = await Promise.all(
      Array.from({ length: options.concurrency ?? 1 }, () =>
        this.#loop(this.subjects.jobsStream, durable, 1, async ([msg]) => {
          const raw = msg.json<{ id: string; kind: K; payload: unknown }>();
          const parsed = JOB_CATALOG[kind].payload.safeParse(raw.payload);
          if (!parsed.success) {
            this.options.logger.error({ kind, jobId: raw.id, err: parsed.error.message }, 'job refused');
            msg.term();
            return;
          }
          const heartbeat = setInterval(() => msg.working(), Math.max(1000, ackWaitMs / 3));
          try {
            await handler({ id: raw.id, kind, payload: parsed.data as JobPayload<K>, delivery: msg.info.redeliveryCount + 1 });
            msg.ack();
          } catch (err) {
            this.options.logger.error({ kind, jobId: raw.id, code: errorCodeOf(err), err: messageOf(err) }, 'job failed');
            msg.nak(backoffMs(msg.info.redeliveryCount));
          } finally {
            clearInterval(heartbeat);
          }
        }),
      ),
    );
    return { stop: async () => void (await Promise.all(loops.map((l) => l.stop()))) };
  }

  /**
   * Fire-and-forget progress on core NATS (`progress.<kind>.<ids...>`), lost if nobody listens;
   * sent with the other progress messages of the next PROGRESS_BATCH_MS.
   */
  publishProgress(kind: string, ids: string[], payload: object): void {
    this.#progress.push({ subject: this.subjects.progress(kind, ...ids), data: codec.encode(payload) });
    this.#progressTimer ??= setTimeout(() => this.#flushProgress(), PROGRESS_BATCH_MS);
  }

  #flushProgress(): void {
    clearTimeout(this.#progressTimer);
    this.#progressTimer = undefined;
    try {
      // Published in one go, they leave in one write.
      for (const { subject, data } of this.#progress.splice(0)) this.nc.publish(subject, data);
    } catch {
      // Closed or draining: progress is only ever a view of the present, nothing to keep.
    }
  }

  /** Live progress messages (ids may be `*`); `return()` releases the subscription at once. */
  watchProgress<P>(kind: string, ids: string[]): LiveIterator<P> {
    return new LiveIterator(this.nc, [this.subjects.progress(kind, ...ids)], (m: Msg) => safeJson<P>(m));
  }

  /**
   * Live event envelopes as they are published (core NATS, no replay), of the given types or
   * all. `return()` releases the subscriptions at once.
   */
  watchEvents(types: EventType[]): LiveIterator<Envelope> {
    return new LiveIterator(
      this.nc,
      types.map((t) => this.subjects.event(t)),
      (m: Msg) => {
        try {
          return validateEnvelope(m.json());
        } catch {
          return undefined;
        }
      },
    );
  }

  async #ensureConsumer(stream: string, durable: string, filter: string, options: ConsumeOptions): Promise<void> {
    try {
      await this.jsm.consumers.info(stream, durable);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await this.jsm.consumers.add(stream, {
          durable_name: durable,
          filter_subject: filter,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ack_wait: nanos(options.ackWaitMs ?? 30_000),
          max_deliver: options.maxDeliver ?? 50,
        });
      } catch (addErr) {
        if (!/already (exists|in use)/i.test(messageOf(addErr))) throw addErr;
      }
    }
  }

  /**
   * Pulls up to `max` messages at a time and hands them to `onBatch`, one batch after the other:
   * each message as soon as it arrives, together with those that arrived with it (up to `max`).
   * stop() ends the loop promptly, once the batch being handled is done.
   */
  async #loop(stream: string, durable: string, max: number, onBatch: (msgs: JsMsg[]) => Promise<void>): Promise<Stoppable> {
    const consumer = await this.js.consumers.get(stream, durable);
    let messages: ConsumerMessages | undefined;
    let stopped = false;
    let batch: JsMsg[] = [];
    let handing: Promise<void> = Promise.resolve();
    let scheduled = false;
    const handOver = (): Promise<void> => {
      scheduled = false;
      const mine = batch;
      batch = [];
      if (mine.length > 0 && !stopped) {
        handing = handing.then(() => onBatch(mine)).catch((err) => this.options.logger.error({ durable, err: messageOf(err) }, 'batch handler failed'));
      }
      return handing;
    };
    const run = (async () => {
      while (!stopped) {
        try {
          messages = await consumer.consume({ max_messages: max });
          for await (const msg of messages) {
            batch.push(msg);
            if (batch.length >= max) {
              await handOver();
            } else if (!scheduled) {
              // Messages that arrived together are yielded one after the other within this turn of
              // the event loop: the batch is handed over at the next one.
              scheduled = true;
              setImmediate(() => void handOver());
            }
          }
          if (!stopped) await new Promise((r) => setTimeout(r, 1000));
        } catch (err) {
          if (stopped || this.nc.isClosed()) return;
          this.options.logger.warn({ durable, err: messageOf(err) }, 'consumer interrupted; resuming');
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })().finally(() => handing);
    const stoppable: Stoppable = {
      stop: async () => {
        stopped = true;
        // Stop from the consumer itself rather than awaiting close() after leaving the loop (STACK.md).
        messages?.stop();
        await run;
        this.#stoppers.delete(stoppable);
      },
    };
    this.#stoppers.add(stoppable);
    return stoppable;
  }

  /** Checks the connection answers (readiness). */
  async ping(): Promise<void> {
    if (this.nc.isClosed()) throw new Error('NATS connection closed');
    await this.nc.flush();
  }

  async close(): Promise<void> {
    await Promise.all([...this.#stoppers].map((s) => s.stop()));
    this.#flushProgress();
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

function isNotFound(err: unknown): boolean {
  return /not found/i.test(messageOf(err));
}

function backoffMs(redeliveries: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.min(redeliveries, 6));
}

function safeJson<P>(m: Msg): P | undefined {
  try {
    return m.json<P>();
  } catch {
    return undefined;
  }
}
