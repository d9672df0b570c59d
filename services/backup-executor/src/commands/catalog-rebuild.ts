/**
 * Break glass: recreates the Backup records from the manifests in one storage location, after
 * the metadata database was lost. Needs the (new) metadata database and the location, nothing
 * else. Idempotent: a backup already recorded is left as it is. Rebuilt backups are COMPLETED;
 * the storage-replicator verifies their copies again (its own rebuild runs next, see the CLI).
 *   node services/backup-executor/dist/src/commands/catalog-rebuild.js --location r2 [--json]
 */
import { rebuildCatalog } from '@lifeboat/manifest';
import { runOfflineCommand } from '@lifeboat/service-host';
import { locationNamed, openStorage } from '@lifeboat/storage';
import { Backup } from '../repositories/backup.entity';
import { backupExecutor } from '../service';

void runOfflineCommand(backupExecutor, {
  usage: 'Usage: catalog-rebuild --location NAME [--json]',
  options: { location: { type: 'string' } },
  async run({ orm, env, values, say, json }) {
    const config = locationNamed(env, values.location);
    const name = config.name;
    const result = await rebuildCatalog(openStorage(config), {
      isKnown: async (m) => (await orm.em.fork().findOne(Backup, { id: m.backupId })) !== null,
      record: async (m) => {
        const em = orm.em.fork();
        const started = new Date(m.startedAt);
        const completed = new Date(m.completedAt);
        em.persist(
          em.create(Backup, {
            id: m.backupId,
            type: m.type,
            tenantId: m.tenantId,
            filename: m.filename,
            key: m.key,
            location: name,
            jobId: m.jobId,
            status: 'COMPLETED',
            sizeBytes: m.sizeBytes,
            originalSizeBytes: m.originalSizeBytes,
            checksum: m.checksum,
            keyId: m.keyId,
            createdAt: started,
            startedAt: started,
            completedAt: completed,
            durationSeconds: (completed.getTime() - started.getTime()) / 1000,
            compressionRatio: m.sizeBytes > 0 ? m.originalSizeBytes / m.sizeBytes : null,
          }),
        );
        await em.flush();
      },
      onProblem: (key, problem) => say(`skipped ${key}: ${problem}`),
      onRecorded: (m) => say(`recorded ${m.type} backup ${m.backupId} (${m.filename})`),
    });
    say(`${name}: ${result.created.length} backups recorded, ${result.present.length} already known, ${result.problems.length} manifests skipped`);
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  },
});
