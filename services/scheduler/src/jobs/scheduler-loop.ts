/**
 * The scheduler's heartbeat: every tick, each replica tries to take or renew the lease; the one
 * that holds it fires due schedules and dispatches waiting jobs. A holder that dies stops renewing,
 * and another replica takes over once the lease expires; one that stops gives the lease up.
 */
import { messageOf } from '@lifeboat/errors';
import type { Stoppable } from '@lifeboat/events';
import type { Logger } from '@lifeboat/observability';
import type { LeaseRepository } from '../repositories/lease.repository';
import type { JobDispatcher } from './job-dispatcher';
import type { ScheduleFirer } from './schedule-firer';

export const SCHEDULER_LEASE = 'scheduler';

export function startSchedulerLoop(deps: {
  leases: LeaseRepository;
  firer: ScheduleFirer;
  dispatcher: JobDispatcher;
  instance: string;
  logger: Logger;
  tickMs: number;
  leaseMs: number;
}): Stoppable {
  let leader = false;
  let running: Promise<void> | undefined;
  const tick = async () => {
    const was = leader;
    leader = await deps.leases.acquire(SCHEDULER_LEASE, deps.instance, deps.leaseMs);
    if (leader !== was) deps.logger.info({ instance: deps.instance }, leader ? 'took the scheduler lease' : 'lost the scheduler lease');
    if (!leader) return;
    await deps.firer.fireDue();
    await deps.dispatcher.dispatch();
  };
  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((err) => {
        leader = false;
        deps.logger.warn({ err: messageOf(err) }, 'scheduler tick failed');
      })
      .finally(() => (running = undefined));
  }, deps.tickMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
      if (leader) await deps.leases.release(SCHEDULER_LEASE, deps.instance).catch(() => undefined);
    },
  };
}
