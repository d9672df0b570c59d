/**
 * The job catalog: commands that must not be lost while no worker runs. Jobs go to a work-queue
 * stream; every replica of a worker pulls from the same durable consumer, so each job runs on
 * exactly one worker, and a job whose worker dies is delivered again after its ack wait.
 */
import { z } from 'zod';
import { BackupType, valuesOf } from '@lifeboat/vocabulary';

export const JOB_CATALOG = {
  backup: {
    description: 'Run a backup job: one or more backups of one type.',
    payload: z.object({
      jobId: z.string().uuid(),
      type: z.enum(valuesOf(BackupType)),
      tenantIds: z.array(z.string()).nullable(),
      requestedBy: z.string(),
      scheduleId: z.string().nullable(),
    }),
  },
  restore: {
    description: 'Run a restore recorded by the restore service (its log holds everything it needs).',
    payload: z.object({ restoreId: z.string().uuid() }),
  },
} as const satisfies Record<string, { description: string; payload: z.ZodTypeAny }>;

export type JobKind = keyof typeof JOB_CATALOG;
export type JobPayload<K extends JobKind> = z.infer<(typeof JOB_CATALOG)[K]['payload']>;
