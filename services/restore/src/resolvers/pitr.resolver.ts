/** `recoverableWindow`, and stopping a cluster a point-in-time recovery left running. */
import { Arg, Authorized, ID, Mutation, Query, Resolver } from 'type-graphql';
import { LifeboatError } from '@lifeboat/errors';
import { PgCluster } from '@lifeboat/pg-cluster';
import { recoverableWindow } from '../domain/recoverable-window';
import type { KnownBackupRepository } from '../repositories/known-backup.repository';
import type { RestoreLogRepository } from '../repositories/restore-log.repository';
import { RecoverableWindowView } from '../schema/recoverable-window.type';
import { RestoreLogView } from '../schema/restore-log.type';
import { toView } from './restore-log.resolver';

@Resolver()
export class PitrResolver {
  constructor(
    private readonly known: KnownBackupRepository,
    private readonly repo: RestoreLogRepository,
    private readonly serverBinDir: string,
  ) {}

  @Authorized()
  @Query(() => RecoverableWindowView, { nullable: true, description: 'The earliest and latest moments a point-in-time recovery can reach (null: none yet)' })
  async recoverableWindow(): Promise<RecoverableWindowView | null> {
    return recoverableWindow(this.known);
  }

  @Authorized('OPERATOR')
  @Mutation(() => RestoreLogView, { description: 'Stops and removes the cluster a point-in-time recovery left running' })
  async stopRecoveredCluster(@Arg('restoreId', () => ID) restoreId: string): Promise<RestoreLogView> {
    const log = await this.repo.get(restoreId);
    if (!log) throw new LifeboatError('NOT_FOUND', `restoreId: no restore ${restoreId}`);
    if (!log.clusterUrl || !log.clusterDataDir) throw new LifeboatError('CONFLICT', `restore ${restoreId} has no recovered cluster running`);
    const cluster = await PgCluster.open({ dataDir: log.clusterDataDir, port: Number(new URL(log.clusterUrl).port), binDir: this.serverBinDir });
    await cluster.destroy();
    await this.repo.update(log.id, { clusterUrl: null });
    return toView((await this.repo.get(log.id))!);
  }
}
