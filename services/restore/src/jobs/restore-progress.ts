/** Publishes a restore's progress at least once a second on `progress.restore.<id>`, and its heartbeat every 10 s. */
import type { EventBus } from '@lifeboat/events';

export type RestorePhase = 'queued' | 'fetching' | 'restoring' | 'checking' | 'swapping' | 'completed' | 'failed';

export interface RestoreProgress {
  restoreId: string;
  phase: RestorePhase;
  bytes: number;
  totalBytes: number | null;
  percent: number | null;
  location: string | null;
  message: string | null;
  at: string;
}

const HEARTBEAT_MS = 10_000;

export class RestoreProgressReporter {
  phase: RestorePhase = 'queued';
  bytes = 0;
  totalBytes: number | null = null;
  location: string | null = null;
  message: string | null = null;
  #timer?: NodeJS.Timeout;
  #lastBeat = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly restoreId: string,
    private readonly heartbeat: () => Promise<void>,
  ) {}

  start(): void {
    this.publish();
    this.#timer = setInterval(() => this.publish(), 1000);
  }

  to(phase: RestorePhase, message: string | null = null): void {
    this.phase = phase;
    this.message = message;
    this.publish();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  publish(): void {
    // Reading the copy is most of the work a restore can measure; pg_restore reports nothing.
    const fetched = this.totalBytes ? Math.min(1, this.bytes / this.totalBytes) : 0;
    const percent = { queued: 0, fetching: Math.round(fetched * 50), restoring: 60, checking: 90, swapping: 95, completed: 100, failed: null }[this.phase];
    const payload: RestoreProgress = {
      restoreId: this.restoreId,
      phase: this.phase,
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      percent,
      location: this.location,
      message: this.message,
      at: new Date().toISOString(),
    };
    this.bus.publishProgress('restore', [this.restoreId], payload);
    if (Date.now() - this.#lastBeat >= HEARTBEAT_MS) {
      this.#lastBeat = Date.now();
      void this.heartbeat().catch(() => undefined);
    }
  }
}
