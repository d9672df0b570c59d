/** One restore as it happened: the seed's BackupRestoreLog plus target, source copy, failovers and size. */
import { randomUUID } from 'node:crypto';
import { ArrayType, BigIntType, Entity, Enum, Index, JsonType, type Opt, PrimaryKey, Property } from '@mikro-orm/core';
import { RestoreMode, RestoreStatus } from '@lifeboat/vocabulary';

/** A copy the restore tried and left: which location and what was wrong with it. */
export interface Failover {
  location: string;
  code: string;
  message: string;
  at: string;
}

@Entity({ tableName: 'restore_log' })
@Index({ properties: ['startedAt'] })
export class RestoreLog {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** The backup restored from; null for point-in-time restores until a base backup is chosen. */
  @Property({ type: 'uuid', nullable: true })
  backupId: string | null = null;

  /** The email of the user or token that started it. */
  @Property({ type: 'string', length: 320 })
  initiatedBy!: string;

  @Property({ type: ArrayType, nullable: true })
  tenantIds: string[] | null = null;

  @Enum({ items: () => RestoreMode })
  restoreMode!: RestoreMode;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  targetTimestamp: Date | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  targetDatabase: string | null = null;

  @Enum({ items: () => RestoreStatus })
  status: RestoreStatus & Opt = 'PENDING';

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  errorMessage: string | null = null;

  /** The location whose copy was applied. */
  @Property({ type: 'string', length: 100, nullable: true })
  sourceLocation: string | null = null;

  @Property({ type: JsonType })
  failovers: Failover[] & Opt = [];

  @Property({ type: new BigIntType('number'), nullable: true })
  bytes: number | null = null;

  @Property({ type: 'double', nullable: true })
  durationSeconds: number | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz' })
  createdAt: Date & Opt = new Date();

  /** A dry run checks and plans; it writes nothing. */
  @Property({ type: 'boolean' })
  dryRun: boolean & Opt = false;

  /** What the restore does (or, for a dry run, would do), in words. */
  @Property({ type: 'text', nullable: true })
  plan: string | null = null;

  /** Parallel COPY connections and pg_restore jobs. */
  @Property({ type: 'integer' })
  jobs: number & Opt = 4;

  /** Restoring into the protected database: the database first restored into, then swapped in. */
  @Property({ type: 'string', length: 100, nullable: true })
  workingDatabase: string | null = null;

  /** Restoring into the protected database: where the replaced database was kept. */
  @Property({ type: 'string', length: 100, nullable: true })
  previousDatabase: string | null = null;

  /** The decrypted dump while it is on disk (removed afterwards). */
  @Property({ type: 'string', length: 1000, nullable: true })
  spoolPath: string | null = null;

  /** Tenant restores: every tenant backup restored from (one per tenant). */
  @Property({ type: ArrayType, nullable: true })
  backupIds: string[] | null = null;

  /** Tenant restores: per tenant and table, rows in the backup, deleted, inserted, kept, in conflict. */
  @Property({ type: JsonType, nullable: true })
  tenantResults: (Record<string, Record<string, { rows: number; deleted: number; inserted: number; kept: number; conflicts: number }>> & Opt) | null = null;

  /** Row counts compared with the manifest: `{ "schema.table": { expected, found } }`. */
  @Property({ type: JsonType, nullable: true })
  rowCheck: (Record<string, { expected: number; found: number }> & Opt) | null = null;

  /** PITR: the time of the last transaction the recovery replayed. */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  recoveredTo: Date | null = null;

  /** PITR: the recovered cluster (while it runs), its data directory and port. */
  @Property({ type: 'string', length: 500, nullable: true })
  clusterUrl: string | null = null;

  @Property({ type: 'string', length: 1000, nullable: true })
  clusterDataDir: string | null = null;

  @Property({ type: 'string', length: 200, nullable: true })
  instance: string | null = null;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  heartbeatAt: Date | null = null;
}
