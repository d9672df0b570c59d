/**
 * The event catalog: every event subject Lifeboat publishes, its payload schema per version, and
 * what it means. Publishers validate before sending and consumers validate on receipt, so a
 * payload that breaks the contract is refused at the edge. Adding an optional field keeps the
 * version; removing or changing a field adds a new version beside the old one.
 * Documented for automation in docs/events.md.
 */
import { z } from 'zod';
import { BackupType, RestoreMode, valuesOf } from '@lifeboat/vocabulary';

const errorInfo = z.object({ code: z.string(), message: z.string() });
const backupType = z.enum(valuesOf(BackupType));
const restoreMode = z.enum(valuesOf(RestoreMode));

export const EVENT_CATALOG = {
  'service.started': {
    description: 'A Lifeboat process started and is ready to serve.',
    versions: { 1: z.object({ service: z.string(), instance: z.string(), version: z.string() }) },
  },
  'backup.created': {
    description: 'A backup artifact and its manifest are complete in the first location; replication starts.',
    versions: {
      1: z.object({
        backupId: z.string().uuid(),
        type: backupType,
        tenantId: z.string().nullable(),
        jobId: z.string().uuid().nullable(),
        location: z.string(),
        path: z.string(),
        sizeBytes: z.number().nonnegative(),
        checksum: z.string().regex(/^[0-9a-f]{64}$/),
        keyId: z.string(),
      }),
    },
  },
  'backup.verified': {
    description: 'Every configured location holds a copy of the backup whose SHA-256 matches the recorded checksum.',
    versions: {
      1: z.object({
        backupId: z.string().uuid(),
        checksum: z.string().regex(/^[0-9a-f]{64}$/),
        locations: z.array(z.string()),
        verifiedAt: z.string().datetime(),
      }),
    },
  },
  'backup.failed': {
    description: 'A backup failed; nothing of it is visible in any location.',
    versions: {
      1: z.object({
        backupId: z.string().uuid(),
        type: backupType,
        tenantId: z.string().nullable(),
        jobId: z.string().uuid().nullable(),
        error: errorInfo,
      }),
    },
  },
  'backup.copy_corrupt': {
    description: 'A copy of a backup failed verification (altered or missing); the storage-replicator repairs it from a good copy.',
    versions: {
      1: z.object({
        backupId: z.string().uuid(),
        location: z.string(),
        code: z.string(),
        message: z.string(),
      }),
    },
  },
  'job.started': {
    description: 'A backup job started on an executor.',
    versions: {
      1: z.object({ jobId: z.string().uuid(), type: backupType, instance: z.string(), startedAt: z.string().datetime() }),
    },
  },
  'job.finished': {
    description: 'A backup job ended: every backup it made, and how it went.',
    versions: {
      1: z.object({
        jobId: z.string().uuid(),
        type: backupType,
        status: z.enum(['SUCCEEDED', 'PARTIAL', 'FAILED', 'SKIPPED']),
        backupIds: z.array(z.string().uuid()),
        message: z.string().nullable(),
        finishedAt: z.string().datetime(),
      }),
    },
  },
  'restore.completed': {
    description: 'A restore finished and its result was checked.',
    versions: {
      1: z.object({
        restoreId: z.string().uuid(),
        backupId: z.string().uuid().nullable(),
        mode: restoreMode,
        targetDatabase: z.string().nullable(),
        tenantIds: z.array(z.string()),
        durationSeconds: z.number().nonnegative(),
      }),
    },
  },
  'restore.failed': {
    description: 'A restore failed; the target was left untouched or removed.',
    versions: {
      1: z.object({
        restoreId: z.string().uuid(),
        backupId: z.string().uuid().nullable(),
        mode: restoreMode,
        error: errorInfo,
      }),
    },
  },
  'wal.archived': {
    description: 'A WAL file (segment, or timeline history) is stored in every WAL location; the spool let it go.',
    versions: {
      1: z.object({
        segment: z.string().regex(/^[0-9A-F]{8}[0-9A-Za-z.]*$/),
        timeline: z.number().int().positive(),
        systemId: z.string().regex(/^\d+$/),
        startLsn: z.string().nullable(),
        endLsn: z.string().nullable(),
        locations: z.array(z.string()),
        sizeBytes: z.number().int().nonnegative(),
        /** When PostgreSQL handed it over (the spool file's time): commits in it are at most this old. */
        spooledAt: z.string().datetime(),
        archivedAt: z.string().datetime(),
      }),
    },
  },
  'alert.raised': {
    description: 'Something needs an operator: the WAL spool is full or stuck, a backup keeps failing, a location is filling up.',
    versions: {
      1: z.object({
        kind: z.string(),
        severity: z.enum(['INFO', 'WARNING', 'CRITICAL']),
        message: z.string(),
        subject: z.string().nullable(),
        details: z.record(z.unknown()),
      }),
    },
  },
  'dr.declared': {
    description: 'An incident was declared; the runbook may start.',
    versions: {
      1: z.object({
        incidentId: z.string().uuid(),
        level: z.string(),
        description: z.string(),
        declaredBy: z.string(),
        runRunbook: z.boolean(),
      }),
    },
  },
} as const satisfies Record<string, { description: string; versions: Record<number, z.ZodTypeAny> }>;

export type EventType = keyof typeof EVENT_CATALOG;
type Versions<T extends EventType> = (typeof EVENT_CATALOG)[T]['versions'];
type LatestKey<T extends EventType> = keyof Versions<T> & number;
type Latest<T extends EventType> = Versions<T>[LatestKey<T>];
/** The payload of the current version of an event type. */
export type EventData<T extends EventType> = Latest<T> extends z.ZodTypeAny ? z.infer<Latest<T>> : never;

export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

export function isEventType(value: string): value is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOG, value);
}

export function currentVersion(type: EventType): number {
  return Math.max(...Object.keys(EVENT_CATALOG[type].versions).map(Number));
}

export function schemaFor(type: EventType, version: number): z.ZodTypeAny | undefined {
  return (EVENT_CATALOG[type].versions as Record<number, z.ZodTypeAny>)[version];
}
