/**
 * A physical base backup (BASE_BACKUP) of the protected cluster, the starting point of every
 * point-in-time recovery: `pg_basebackup` as one tar (with the WAL that makes it consistent)
 * streamed through the shared pipeline into the locations, its manifest recording the WAL start
 * and end points, the timeline, the cluster's system identifier and its start and end times. A
 * recovery can start from it and replay archived WAL to any moment after its end.
 */
import { Client } from 'pg';
import { LifeboatError } from '@lifeboat/errors';
import { databaseNameOf, parseBaseBackupLog, pgBaseBackup } from '@lifeboat/pg-tools';
import { segmentNameOf } from '@lifeboat/wal';
import type { Backup } from '../repositories/backup.entity';
import type { BackupRecorder } from './backup-recorder';

export interface BaseBackupDeps {
  recorder: BackupRecorder;
  sourceUrl: string;
  compression: { level: number; workers?: number };
  pgBinDir?: string;
}

export interface ClusterFacts {
  systemId: string;
  archiving: boolean;
  serverVersion: string;
  serverVersionNum: number;
  walSegmentSize: number;
}

/** What a base backup needs to know of the protected cluster. */
export async function clusterFacts(sourceUrl: string): Promise<ClusterFacts> {
  const client = new Client({ connectionString: sourceUrl, application_name: 'lifeboat-cluster-facts' });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; mode: string; version: string; num: string; segment: string }>(
      `select system_identifier::text as id, current_setting('archive_mode') as mode,
              current_setting('server_version') as version, current_setting('server_version_num') as num,
              pg_size_bytes(current_setting('wal_segment_size'))::text as segment from pg_control_system()`,
    );
    const [row] = rows;
    return { systemId: row.id, archiving: row.mode !== 'off', serverVersion: row.version, serverVersionNum: Number(row.num), walSegmentSize: Number(row.segment) };
  } finally {
    await client.end();
  }
}

export class BaseBackupJob {
  constructor(private readonly deps: BaseBackupDeps) {}

  async run(jobId: string | null): Promise<Backup> {
    const { recorder } = this.deps;
    const running = await recorder.begin('BASE_BACKUP', databaseNameOf(this.deps.sourceUrl) || 'cluster', jobId, null);
    try {
      const facts = await clusterFacts(this.deps.sourceUrl);
      const startedAt = new Date();
      const dump = pgBaseBackup({ databaseUrl: this.deps.sourceUrl, binDir: this.deps.pgBinDir, label: `lifeboat ${running.backup.id}` });
      const stored = await recorder.store(running, dump, this.deps.compression);
      const points = parseBaseBackupLog(dump.stderr());
      if (!points) throw new LifeboatError('BACKUP_FAILED', `pg_basebackup did not report its WAL start and end points: ${dump.stderr().slice(-500)}`);
      const walStart = segmentNameOf(points.timeline, points.startLsn, facts.walSegmentSize);
      return await recorder.complete(
        running,
        stored,
        {
          compression: { algorithm: 'gzip', level: this.deps.compression.level },
          source: { database: '(cluster)', serverVersion: facts.serverVersion, serverVersionNum: facts.serverVersionNum, tool: 'pg_basebackup --format=tar --wal-method=fetch', tables: [] },
          details: { systemId: facts.systemId, ...points, walStart, walSegmentSize: facts.walSegmentSize, startedAt: startedAt.toISOString(), stoppedAt: new Date().toISOString(), archiving: facts.archiving },
        },
        { systemId: facts.systemId, walStart },
      );
    } catch (err) {
      return recorder.fail(running, err);
    }
  }
}
