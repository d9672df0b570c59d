/** `configurationFiles` (what a configuration backup holds) and `restoreConfiguration` (ADMIN). */
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import type { SubgraphContext } from '@lifeboat/graphql';
import type { ConfigurationRestore } from '../jobs/configuration-restore';
import type { KnownBackupRepository } from '../repositories/known-backup.repository';
import { ConfigurationFileView, ConfigurationRestoreView } from '../schema/configuration.types';
import { toView } from './restore-log.resolver';

@Resolver()
export class ConfigurationResolver {
  constructor(
    private readonly known: KnownBackupRepository,
    private readonly configuration: ConfigurationRestore,
  ) {}

  @Authorized('OPERATOR')
  @Query(() => [ConfigurationFileView], { description: 'The files a configuration backup holds (from its manifest), without extracting them' })
  async configurationFiles(@Arg('backupId', () => ID) backupId: string): Promise<ConfigurationFileView[]> {
    const files = await this.configuration.files(await this.#backup(backupId));
    return files.map((f) => ({ ...f, sha256: f.sha256 ?? null, linkTarget: f.linkTarget ?? null }));
  }

  @Authorized('ADMIN')
  @Mutation(() => ConfigurationRestoreView, {
    description: "Extracts a configuration backup into a directory of the restore service's machine: an empty one, unless overwrite; never outside it",
  })
  async restoreConfiguration(
    @Arg('backupId', () => ID) backupId: string,
    @Arg('into', () => String) into: string,
    @Arg('overwrite', () => Boolean, { defaultValue: false }) overwrite: boolean,
    @Ctx() ctx: SubgraphContext,
  ): Promise<ConfigurationRestoreView> {
    const result = await this.configuration.restore(await this.#backup(backupId), into, overwrite, ctx.identity.email);
    return { ...result, restore: toView(result.log) };
  }

  async #backup(id: string) {
    const backup = await this.known.get(id);
    if (!backup) throw new LifeboatError('NOT_FOUND', `backupId: no backup ${id} is known to the restore service`);
    return backup;
  }
}
