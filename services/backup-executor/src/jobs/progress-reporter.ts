/**
 * Publishes a backup's progress at least once a second while it runs (and at every phase
 * change) on `progress.backup.<jobId>.<backupId>`, and keeps its heartbeat in the database so a
 * backup whose executor died is recognised as such.
 */
import { type EventBus, ProgressTicker } from '@lifeboat/events';

export type BackupPhase = 'starting' | 'dump' | 'manifest' | 'completed' | 'failed';

export interface BackupProgress {
  backupId: string;
  jobId: string | null;
  phase: BackupPhase;
  bytesIn: number;
  bytesOut: number;
  percent: number | null;
  message: string | null;
  at: string;
}

export class ProgressReporter {
  phase: BackupPhase = 'starting';
  bytesIn = 0;
  bytesOut = 0;
  /** Bytes expected in, when known, for `percent`. */
  expectedIn: number | null = null;
  message: string | null = null;
  readonly #ticker: ProgressTicker;

  constructor(bus: EventBus, backupId: string, jobId: string | null, heartbeat: () => Promise<void>) {
    this.#ticker = new ProgressTicker(bus, 'backup', [jobId ?? 'none', backupId], () => this.#payload(backupId, jobId), heartbeat);
  }

  start(): void {
    this.#ticker.start();
  }

  to(phase: BackupPhase, message: string | null = null): void {
    this.phase = phase;
    this.message = message;
    this.#ticker.publish();
  }

  stop(): void {
    this.#ticker.stop();
  }

  #payload(backupId: string, jobId: string | null): BackupProgress {
    const percent = this.expectedIn ? Math.min(99, Math.round((this.bytesIn / this.expectedIn) * 100)) : null;
    return {
      backupId,
      jobId,
      phase: this.phase,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      percent: this.phase === 'completed' ? 100 : percent,
      message: this.message,
      at: new Date().toISOString(),
    };
  }
}
