/** A restore's progress on `progress.restore.<id>`, and its heartbeat (see ProgressTicker). */
import { type EventBus, ProgressTicker } from '@lifeboat/events';

/**
 * A full restore goes fetching (the copy's start, the database and its schema), loading (the rows,
 * as the copy arrives), checking (the row counts), indexing (indexes and constraints), then
 * swapping when it replaces the protected database; tenant and point-in-time restores go
 * fetching, restoring, checking.
 */
export type RestorePhase = 'queued' | 'fetching' | 'loading' | 'indexing' | 'restoring' | 'checking' | 'swapping' | 'completed' | 'failed';

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
    // Reading the copy (and, in a full restore, loading it) is most of the work a restore can
    // measure; pg_restore reports nothing.
    const fetched = this.totalBytes ? Math.min(1, this.bytes / this.totalBytes) : 0;
    const percents: Record<RestorePhase, number | null> = {
      queued: 0,
      fetching: Math.round(fetched * 50),
      loading: 5 + Math.round(fetched * 75),
      indexing: 85,
      restoring: 60,
      checking: 90,
      swapping: 95,
      completed: 100,
      failed: null,
    };
    const percent = percents[this.phase];
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
