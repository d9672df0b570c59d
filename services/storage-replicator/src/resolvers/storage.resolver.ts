/** `storageLocations` (with reachability and usage) and `verifyBackup`. */
import { Arg, Authorized, ID, Mutation, Query, Resolver } from 'type-graphql';
import { errorCodeOf, messageOf } from '@lifeboat/errors';
import type { Storage, StorageUsage } from '@lifeboat/storage';
import type { BackupVerifier } from '../jobs/backup-verifier';
import { BackupReference } from '../schema/backup.reference';
import { StorageLocationView } from '../schema/storage-location.type';

/** Measuring usage lists a whole bucket: done at most this often per location. */
const USAGE_TTL_MS = 30_000;

@Resolver()
export class StorageResolver {
  readonly #usage = new Map<string, { at: Date; usage: StorageUsage }>();

  constructor(
    private readonly locations: Storage[],
    private readonly verifier: BackupVerifier,
  ) {}

  @Authorized()
  @Query(() => [StorageLocationView], { description: 'The configured locations, in order of preference' })
  async storageLocations(): Promise<StorageLocationView[]> {
    return Promise.all(this.locations.map((l) => this.#describe(l)));
  }

  @Authorized('OPERATOR')
  @Mutation(() => BackupReference, {
    description: 'Reads every copy back and compares its SHA-256 with the recorded one; its copies are as the verification found them',
  })
  async verifyBackup(@Arg('id', () => ID) id: string): Promise<BackupReference> {
    return { id, verified: await this.verifier.verify(id) };
  }

  async #describe(location: Storage): Promise<StorageLocationView> {
    const base = { name: location.name, kind: location.kind };
    try {
      await withTimeout(location.ping(), 3000);
      let cached = this.#usage.get(location.name);
      if (!cached || Date.now() - cached.at.getTime() > USAGE_TTL_MS) {
        cached = { at: new Date(), usage: await withTimeout(location.usage(), 10_000) };
        this.#usage.set(location.name, cached);
      }
      return { ...base, reachable: true, error: null, usedBytes: cached.usage.usedBytes, objectCount: cached.usage.objectCount, measuredAt: cached.at };
    } catch (err) {
      const cached = this.#usage.get(location.name);
      return {
        ...base,
        reachable: false,
        error: `${errorCodeOf(err)}: ${messageOf(err)}`,
        usedBytes: cached?.usage.usedBytes ?? null,
        objectCount: cached?.usage.objectCount ?? null,
        measuredAt: cached?.at ?? null,
      };
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
