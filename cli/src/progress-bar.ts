/**
 * A one-line progress display for a terminal, redrawn in place: phase, a bar when the percentage
 * is known, bytes read and written and the read rate. Only for a TTY; the caller decides that.
 */
import { formatBytes } from './output';

/** One progress message (`backupProgress`, or `restoreProgress` without `bytesOut`). */
export interface Progress {
  phase: string;
  bytesIn: number;
  bytesOut?: number;
  percent?: number | null;
  message?: string | null;
}

const BAR_WIDTH = 24;
/** Redraws closer together than this are skipped: the terminal cannot show them anyway. */
const MIN_REDRAW_MS = 100;

/** The line for `progress`; `bytesPerSecond` is the read rate, when known. Pure. */
export function renderProgress(progress: Progress, bytesPerSecond: number | undefined): string {
  const parts: string[] = [];
  if (typeof progress.percent === 'number') {
    const percent = Math.min(100, Math.max(0, progress.percent));
    const filled = Math.round((percent / 100) * BAR_WIDTH);
    parts.push(`[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${percent.toFixed(0).padStart(3)}%`);
  }
  parts.push(progress.phase, `read ${formatBytes(progress.bytesIn)}`);
  if (progress.bytesOut !== undefined) parts.push(`written ${formatBytes(progress.bytesOut)}`);
  if (bytesPerSecond !== undefined) parts.push(`${formatBytes(bytesPerSecond)}/s`);
  if (progress.message) parts.push(progress.message);
  return parts.join('  ');
}

export class ProgressBar {
  #progress: Progress | undefined;
  #status = '';
  #first: { at: number; bytesIn: number } | undefined;
  #drawnAt = -Infinity;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly now: () => number = Date.now,
  ) {}

  /** A progress message: from now on the line shows progress. */
  update(progress: Progress): void {
    this.#first ??= { at: this.now(), bytesIn: progress.bytesIn };
    this.#progress = progress;
    this.#draw();
  }

  /** What to show while no progress message has arrived (the status the poll read). */
  status(text: string): void {
    this.#status = text;
    if (!this.#progress) this.#draw();
  }

  /** Clears the line, leaving the cursor at its start for whatever is printed next. */
  done(): void {
    this.stream.write('\r\x1b[2K');
  }

  #draw(): void {
    const now = this.now();
    if (now - this.#drawnAt < MIN_REDRAW_MS) return;
    this.#drawnAt = now;
    const line = this.#progress ? renderProgress(this.#progress, this.#rate(now)) : this.#status;
    const width = (this.stream.columns || 80) - 1;
    this.stream.write(`\r\x1b[2K${[...line].slice(0, width).join('')}`);
  }

  #rate(now: number): number | undefined {
    if (!this.#first || !this.#progress) return undefined;
    const seconds = (now - this.#first.at) / 1000;
    return seconds < 0.5 ? undefined : (this.#progress.bytesIn - this.#first.bytesIn) / seconds;
  }
}
