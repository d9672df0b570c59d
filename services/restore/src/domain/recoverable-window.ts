/** The span of time a point-in-time recovery can reach, and the check of a target against it. */
import { LifeboatError } from '@lifeboat/errors';
import type { KnownBackupRepository } from '../repositories/known-backup.repository';

export interface RecoverableWindow {
  /** The end of the oldest base backup: no recovery can stop before it. */
  earliest: Date;
  /** When the last archived WAL file was closed: commits up to then are in the archive. */
  latest: Date;
}

export function checkTarget(target: Date, window: RecoverableWindow | null): void {
  if (!window) {
    throw new LifeboatError('BAD_USER_INPUT', 'targetTime: nothing is recoverable yet: point-in-time recovery needs a base backup and archived WAL after it', {
      hint: 'enable WAL archiving (LIFEBOAT_WAL_SPOOL_DIR and archive_command) and take a full backup',
    });
  }
  if (target < window.earliest || target > window.latest) {
    throw new LifeboatError(
      'BAD_USER_INPUT',
      `targetTime: ${target.toISOString()} is outside the recoverable window, ${window.earliest.toISOString()} to ${window.latest.toISOString()}`,
    );
  }
}

/** The window as the restore service knows it: the oldest base backup, the last archived WAL. */
export async function recoverableWindow(known: KnownBackupRepository): Promise<RecoverableWindow | null> {
  const [base, wal] = await Promise.all([known.oldestBaseBackup(), known.latestWal()]);
  if (!base || !wal || wal.spooledAt <= base.createdAt) return null;
  return { earliest: base.createdAt, latest: wal.spooledAt };
}
