/**
 * The rhythm every long task keeps: its progress published at start, at every change and at
 * least once a second (core NATS, `progress.<kind>.<ids...>`), and its heartbeat written at most
 * every ten seconds, so that a task whose process died is recognised as such. The task's record
 * is written with its first heartbeat, so the ticker's first beat is ten seconds after start.
 */
import type { EventBus } from './bus';

const PUBLISH_MS = 1000;
const HEARTBEAT_MS = 10_000;

export class ProgressTicker {
  #timer?: NodeJS.Timeout;
  #lastBeat = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly kind: string,
    private readonly ids: string[],
    private readonly payload: () => object,
    private readonly heartbeat: () => Promise<void>,
  ) {}

  start(): void {
    this.#lastBeat = Date.now();
    this.publish();
    this.#timer = setInterval(() => this.publish(), PUBLISH_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  publish(): void {
    this.bus.publishProgress(this.kind, this.ids, this.payload());
    if (Date.now() - this.#lastBeat >= HEARTBEAT_MS) {
      this.#lastBeat = Date.now();
      void this.heartbeat().catch(() => undefined);
    }
  }
}
