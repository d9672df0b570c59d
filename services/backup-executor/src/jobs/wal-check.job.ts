/**
 * The seed's five-minute WAL job, now that WAL ships continuously: a check that nothing is stuck
 * in the spool. A file older than the threshold fails the check and raises a CRITICAL alert
 * (recovery could not reach the last minutes if the primary were lost now). Each run also applies
 * WAL retention.
 */
import type { EventBus } from '@lifeboat/events';
import type { WalRetention } from './wal-retention';
import type { WalShipper } from './wal-shipper';

export interface WalCheckResult {
  ok: boolean;
  message: string;
}

export class WalCheckJob {
  constructor(
    private readonly shipper: WalShipper | undefined,
    private readonly bus: EventBus,
    private readonly stuckMs: number,
    private readonly retention: WalRetention,
  ) {}

  async run(): Promise<WalCheckResult> {
    if (!this.shipper) return { ok: false, message: 'WAL archiving is not configured on this executor (LIFEBOAT_WAL_SPOOL_DIR)' };
    const state = await this.shipper.state();
    const age = state.oldestSpooledAt ? Date.now() - state.oldestSpooledAt.getTime() : 0;
    const expired = await this.retention.run();
    const message =
      `${state.waiting} WAL file(s) (${state.waitingBytes} bytes) waiting in the spool${state.oldestSpooledAt ? `, the oldest for ${Math.round(age / 1000)} s` : ''}; ` +
      `${expired.deleted.length} expired WAL file(s) deleted${expired.failed.length ? `, ${expired.failed.length} could not be deleted yet` : ''}`;
    if (age <= this.stuckMs) return { ok: true, message };
    await this.bus.publish('alert.raised', {
      kind: 'WAL_STUCK',
      severity: 'CRITICAL',
      message: `WAL is not leaving the spool: ${message} (threshold ${Math.round(this.stuckMs / 1000)} s); check the WAL locations`,
      subject: null,
      details: { waiting: state.waiting, waitingBytes: state.waitingBytes, oldestSpooledAt: state.oldestSpooledAt?.toISOString() ?? null },
    });
    return { ok: false, message: `stuck: ${message}` };
  }
}
