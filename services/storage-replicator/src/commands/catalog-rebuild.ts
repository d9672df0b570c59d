/**
 * Break glass: recreates the replicator's knowledge of backups (what each copy must match, and
 * which location holds one) from the manifests in one storage location, after the metadata
 * database was lost. Every location is looked at: a copy found there is recorded STORED, to be
 * verified by the running replicator; one not found is PENDING, to be copied. Idempotent.
 *   node services/storage-replicator/dist/src/commands/catalog-rebuild.js --location r2 [--json]
 */
import { errorCodeOf, messageOf } from '@lifeboat/errors';
import { rebuildCatalog } from '@lifeboat/manifest';
import { runOfflineCommand } from '@lifeboat/service-host';
import { loadLocations, locationNamed, openStorage } from '@lifeboat/storage';
import { BackupCopy } from '../repositories/backup-copy.entity';
import { Replication } from '../repositories/replication.entity';
import { storageReplicator } from '../service';

void runOfflineCommand(storageReplicator, {
  usage: 'Usage: catalog-rebuild --location NAME [--json]',
  options: { location: { type: 'string' } },
  async run({ orm, env, values, say, json }) {
    const name = locationNamed(env, values.location).name;
    const locations = loadLocations(env).map(openStorage);
    const source = locations.find((l) => l.name === name)!;
    const result = await rebuildCatalog(source, {
      isKnown: async (m) => (await orm.em.fork().findOne(Replication, { backupId: m.backupId })) !== null,
      record: async (m) => {
        const em = orm.em.fork();
        em.persist(em.create(Replication, { backupId: m.backupId, key: m.key, checksum: m.checksum, sizeBytes: m.sizeBytes, sourceLocation: name }));
        for (const location of locations) {
          let held: boolean;
          let lastError: string | null = null;
          try {
            held = (await location.stat(m.key)) !== undefined;
          } catch (err) {
            held = false;
            lastError = `${errorCodeOf(err)}: ${messageOf(err)}`;
          }
          em.persist(em.create(BackupCopy, { backupId: m.backupId, location: location.name, path: m.key, status: held ? 'STORED' : 'PENDING', nextAttemptAt: new Date(), lastError }));
        }
        await em.flush();
      },
    });
    say(`${name}: ${result.created.length} backups to verify and replicate, ${result.present.length} already known, ${result.problems.length} manifests skipped`);
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  },
});
