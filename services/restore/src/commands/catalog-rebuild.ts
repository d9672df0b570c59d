/**
 * Break glass: recreates what the restore service knows of backups from the manifests in one
 * storage location, after the metadata database was lost, so that they can be restored.
 * Idempotent.
 *   node services/restore/dist/src/commands/catalog-rebuild.js --location r2 [--json]
 */
import { rebuildCatalog } from '@lifeboat/manifest';
import { runOfflineCommand } from '@lifeboat/service-host';
import { locationNamed, openStorage } from '@lifeboat/storage';
import { KnownBackup } from '../repositories/known-backup.entity';
import { restoreService } from '../service';

void runOfflineCommand(restoreService, {
  usage: 'Usage: catalog-rebuild --location NAME [--json]',
  options: { location: { type: 'string' } },
  async run({ orm, env, values, say, json }) {
    const config = locationNamed(env, values.location);
    const name = config.name;
    const result = await rebuildCatalog(openStorage(config), {
      isKnown: async (m) => (await orm.em.fork().findOne(KnownBackup, { id: m.backupId })) !== null,
      record: async (m) => {
        const em = orm.em.fork();
        em.persist(
          em.create(KnownBackup, {
            id: m.backupId,
            type: m.type,
            tenantId: m.tenantId,
            jobId: m.jobId,
            key: m.key,
            checksum: m.checksum,
            sizeBytes: m.sizeBytes,
            keyId: m.keyId,
            createdAt: new Date(m.startedAt),
          }),
        );
        await em.flush();
      },
    });
    say(`${name}: ${result.created.length} backups restorable again, ${result.present.length} already known, ${result.problems.length} manifests skipped`);
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  },
});
