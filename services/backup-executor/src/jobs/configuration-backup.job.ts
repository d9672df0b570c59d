/**
 * The daily configuration backup (the seed's section 4): the files named by the configured globs
 * — compose files, .env files, nginx.conf, certificates and keys, Kubernetes manifests — packed
 * into a tar with their paths, modes and times, and stored through the shared pipeline (so the
 * .env files are encrypted like everything else). The manifest lists every file with its size and
 * SHA-256. A glob that matches nothing is a warning on the record; an unreadable file fails the
 * backup, naming it.
 */
import { collectConfiguration, tarStream } from '@lifeboat/config-archive';
import { hostname } from 'node:os';
import type { Backup } from '../repositories/backup.entity';
import type { BackupRepository } from '../repositories/backup.repository';
import type { BackupRecorder } from './backup-recorder';

export interface ConfigurationBackupDeps {
  recorder: BackupRecorder;
  repo: BackupRepository;
  root: string;
  globs: string[];
  level: number;
}

export class ConfigurationBackupJob {
  constructor(private readonly deps: ConfigurationBackupDeps) {}

  async run(jobId: string | null): Promise<Backup> {
    const { recorder, repo, root, globs } = this.deps;
    const running = await recorder.begin('CONFIGURATION', hostname(), jobId, null);
    try {
      const collection = await collectConfiguration({ root, globs });
      if (collection.warnings.length) await repo.update(running.backup.id, { warnings: collection.warnings });
      const stored = await recorder.store(running, tarStream(root, collection), { level: this.deps.level, workers: 0 });
      const backup = await recorder.complete(running, stored, {
        compression: { algorithm: 'gzip', level: this.deps.level },
        source: { database: '', serverVersion: '', serverVersionNum: 0, tool: `lifeboat configuration archive (tar) of ${root} on ${hostname()}`, tables: [] },
        details: { root, globs, files: collection.files, warnings: collection.warnings },
      });
      return { ...backup, warnings: collection.warnings };
    } catch (err) {
      return recorder.fail(running, err);
    }
  }
}
