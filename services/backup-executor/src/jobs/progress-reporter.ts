/**
 * Publishes a backup's progress at least once a second while it runs (and at every phase
 * change) on `progress.backup.<jobId>.<backupId>`, and keeps its heartbeat in the database so a
 * backup whose executor died is recognised as such.
 */
import type { EventBus } from '@lifeboat/events';

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

const HEARTBEAT_MS = 10_000;

export class ProgressReporter {
  phase: BackupPhase = 'starting';
  bytesIn = 0;
  bytesOut = 0;
  /** Bytes expected in, when known, for `percent`. */
  expectedIn: number | null = null;
  message: string | null = null;
  #timer?: NodeJS.Timeout;
  #lastBeat = 0;

  constructor(
    private readonly bus: EventBus,
    private readonly backupId: string,
    private readonly jobId: string | null,
    private readonly heartbeat: () => Promise<void>,
  ) {}

  /** Starts reporting; the backup's record was created with its first heartbeat. */
  start(): void {
    this.#lastBeat = Date.now();
    this.publish();
    this.#timer = setInterval(() => this.publish(), 1000);
  }

  to(phase: BackupPhase, message: string | null = null): void {
    this.phase = phase;
    this.message = message;
    this.publish();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  publish(): void {
    const percent = this.expectedIn ? Math.min(99, Math.round((this.bytesIn / this.expectedIn) * 100)) : null;
    const payload: BackupProgress = {
      backupId: this.backupId,
      jobId: this.jobId,
      phase: this.phase,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      percent: this.phase === 'completed' ? 100 : percent,
      message: this.message,
      at: new Date().toISOString(),
    };
    this.bus.publishProgress('backup', [this.jobId ?? 'none', this.backupId], payload);
    if (Date.now() - this.#lastBeat >= HEARTBEAT_MS) {
      this.#lastBeat = Date.now();
      void this.heartbeat().catch(() => undefined);
    }
  }
}
