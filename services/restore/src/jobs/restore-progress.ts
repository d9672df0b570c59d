/** A restore's progress on `progress.restore.<id>`, and its heartbeat (see ProgressTicker). */
import { type EventBus, ProgressTicker } from '@lifeboat/events';

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

export class RestoreProgressReporter {
  phase: RestorePhase = 'queued';
  bytes = 0;
  totalBytes: number | null = null;
  location: string | null = null;
  message: string | null = null;
  readonly #ticker: ProgressTicker;

  constructor(bus: EventBus, restoreId: string, heartbeat: () => Promise<void>) {
    this.#ticker = new ProgressTicker(bus, 'restore', [restoreId], () => this.#payload(restoreId), heartbeat);
  }

  start(): void {
    this.#ticker.start();
  }

  to(phase: RestorePhase, message: string | null = null): void {
    this.phase = phase;
    this.message = message;
    this.#ticker.publish();
  }

  stop(): void {
    this.#ticker.stop();
  }

  #payload(restoreId: string): RestoreProgress {
    // Reading the copy is most of the work a restore can measure; pg_restore reports nothing.
    const fetched = this.totalBytes ? Math.min(1, this.bytes / this.totalBytes) : 0;
    const percent = { queued: 0, fetching: Math.round(fetched * 50), restoring: 60, checking: 90, swapping: 95, completed: 100, failed: null }[this.phase];
    return {
      restoreId,
      phase: this.phase,
      bytes: this.bytes,
      totalBytes: this.totalBytes,
      percent,
      location: this.location,
      message: this.message,
      at: new Date().toISOString(),
    };
  }
}
