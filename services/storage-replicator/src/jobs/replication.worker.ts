/**
 * Copies every backup to every location and verifies every copy. Work lives in the database
 * (one row per copy), so it survives restarts, and is claimed with a lease so that each copy is
 * handled by one worker among all replicas. A location that is down is retried with growing
 * delays until it is back, without holding up the other locations. When every copy of a backup
 * matches its checksum, `backup.verified` is published (and published again after a restart if
 * the process died between the two).
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { errorCodeOf, isLifeboatError, messageOf } from '@lifeboat/errors';
import type { EventBus, Stoppable } from '@lifeboat/events';
import { manifestKeyOf } from '@lifeboat/manifest';
import type { Logger } from '@lifeboat/observability';
import type { Storage } from '@lifeboat/storage';
import { retryDelayMs } from '../domain/backoff';
import { sha256Of } from '../domain/checksum';
import type { Replication } from '../repositories/replication.entity';
import type { ClaimedCopy, ReplicationRepository } from '../repositories/replication.repository';
import { SHARED_READ_MAX_BYTES, SharedReads } from './shared-reads';

const LEASE_MS = 120_000;

export interface ReplicationWorkerOptions {
  concurrency: number;
  maxBackoffMs: number;
  pollMs?: number;
}

export class ReplicationWorker {
  readonly #locations: Map<string, Storage>;
  #inFlight = 0;
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;
  #again = false;
  #announceDue = true;
  /** The last claim took fewer copies than it could: nothing else was due then. */
  #drained = false;
  /**
   * Backups whose copies this process is recording VERIFIED, by number of copies still at it (0:
   * done since the poll last looked, whose look may predate that): announced by those copies, not
   * by the poll.
   */
  readonly #recording = new Map<string, number>();
  #stopped = false;
  readonly #active = new Set<Promise<void>>();
  readonly #reads = new SharedReads();

  constructor(
    private readonly repo: ReplicationRepository,
    locations: Storage[],
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly options: ReplicationWorkerOptions,
  ) {
    this.#locations = new Map(locations.map((l) => [l.name, l]));
  }

  get locationNames(): string[] {
    return [...this.#locations.keys()];
  }

  start(): Stoppable {
    this.#timer = setInterval(() => this.poke({ announce: true }), this.options.pollMs ?? 1000);
    this.poke();
    return {
      stop: async () => {
        this.#stopped = true;
        clearInterval(this.#timer);
        await this.#running;
        await Promise.allSettled([...this.#active]);
      },
    };
  }

  /**
   * Looks for due work now (called when a new backup's copies were recorded, and by the verifier); with
   * `announce`, also for verifications not yet announced (a backup verified elsewhere, or before a
   * crash). The timer pokes every second, for work that came due by itself or through another
   * replica.
   */
  poke(options: { announce?: boolean } = {}): void {
    if (this.#stopped) return;
    if (options.announce) this.#announceDue = true;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#tick()
      .catch((err) => this.logger.warn({ err: messageOf(err) }, 'replication sweep failed'))
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.poke();
        }
      });
  }

  async #tick(): Promise<void> {
    if (this.#announceDue) {
      this.#announceDue = false;
      // A backup this process is completing is announced by the copy that completes it: the poll
      // would otherwise catch it between the two, or read it just before that copy announced it,
      // and announce it a second time. Copies done before this look have recorded what they
      // announced.
      for (const [backupId, left] of this.#recording) if (left === 0) this.#recording.delete(backupId);
      for (const r of await this.repo.unannounced()) if (!this.#recording.has(r.backupId)) await this.#announce(r);
    }
    const limit = this.options.concurrency - this.#inFlight;
    const claimed = await this.repo.claim(limit, LEASE_MS);
    this.#drained = claimed.length < limit;
    for (const copy of claimed) {
      this.#inFlight++;
      const work = this.#process(copy).finally(() => {
        this.#inFlight--;
        this.#active.delete(work);
        // Look again once half the slots are free (a claim per finished copy would cost a
        // statement each), unless the last look found less than it could take (new work pokes,
        // and the timer finds the rest).
        if (!this.#drained && this.options.concurrency - this.#inFlight >= Math.ceil(this.options.concurrency / 2)) this.poke();
      });
      this.#active.add(work);
    }
  }

  async #process(copy: ClaimedCopy): Promise<void> {
    const { replication } = copy;
    const target = this.#locations.get(copy.location);
    if (!replication || !target) {
      // A location no longer configured, or a copy without its backup: nothing to do, ever.
      await this.repo.updateCopy(copy.id, { nextAttemptAt: null, leaseUntil: null, lastError: `INTERNAL: location ${copy.location} is not configured` });
      return;
    }
    const lease = setInterval(() => void this.repo.extendLease(copy.id, LEASE_MS).catch(() => undefined), LEASE_MS / 3);
    // The claim made a copy to be written UPLOADING. Once it is written, its verification follows
    // at once and records VERIFIED (or CORRUPT) in one update; STORED is recorded only when that
    // verification could not run.
    let stored = copy.status === 'STORED';
    try {
      const small = replication.sizeBytes <= SHARED_READ_MAX_BYTES;
      if (!stored) {
        const source = this.#sourceFor(replication, copy.verifiedLocations, copy.location);
        // The artifact first, the manifest last, as the executor wrote them.
        await this.#reads.use(source, replication.key, small, (load) => target.save(replication.key, load, { contentLength: replication.sizeBytes }));
        const manifest = await this.#reads.use(source, manifestKeyOf(replication.key), true, async (load) => buffer(await load()));
        await target.save(manifestKeyOf(replication.key), Readable.from([manifest]), { contentLength: manifest.length });
        stored = true;
      }
      // The first location's copy is read once for its verification and the uploads it feeds.
      const shared = small && copy.location === replication.sourceLocation;
      const seen = await this.#reads.use(target, replication.key, shared, async (load) => sha256Of(await load()));
      const now = new Date();
      if (seen.checksum === replication.checksum && seen.sizeBytes === replication.sizeBytes) {
        this.#recording.set(copy.backupId, (this.#recording.get(copy.backupId) ?? 0) + 1);
        try {
          if (await this.repo.recordVerifiedCopy(copy.id, seen, now, this.locationNames)) await this.#announce({ ...replication, verifiedAt: now });
        } finally {
          this.#recording.set(copy.backupId, this.#recording.get(copy.backupId)! - 1);
        }
      } else {
        const message = `${copy.location} holds ${seen.sizeBytes} bytes with SHA-256 ${seen.checksum}, expected ${replication.sizeBytes} bytes with ${replication.checksum}`;
        // Copied again later, from a good copy if there is one: retried with backoff, not at once.
        const attempts = copy.attempts + 1;
        await this.repo.updateCopy(copy.id, {
          status: 'CORRUPT',
          checksum: seen.checksum,
          sizeBytes: seen.sizeBytes,
          lastError: `CHECKSUM_MISMATCH: ${message}`,
          attempts,
          leaseUntil: null,
          nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts, this.options.maxBackoffMs)),
        });
        await this.bus.publish('backup.copy_corrupt', { backupId: copy.backupId, location: copy.location, code: 'CHECKSUM_MISMATCH', message });
      }
    } catch (err) {
      const attempts = copy.attempts + 1;
      const retryable = !isLifeboatError(err) || err.retryable;
      const delay = retryDelayMs(attempts, this.options.maxBackoffMs);
      this.logger.warn({ backupId: copy.backupId, location: copy.location, attempts, code: errorCodeOf(err), err: messageOf(err), retryInMs: delay }, 'copy failed; will retry');
      await this.repo.updateCopy(copy.id, {
        // Written: only the verification is left. Otherwise it is as it was before the claim.
        status: stored ? 'STORED' : copy.status === 'CORRUPT' || copy.status === 'MISSING' ? copy.status : 'PENDING',
        attempts,
        lastError: `${errorCodeOf(err)}: ${messageOf(err)}`,
        leaseUntil: null,
        // Permanent failures are retried too, slowly: an operator may fix a bucket or a key.
        nextAttemptAt: new Date(Date.now() + (retryable ? delay : this.options.maxBackoffMs)),
      });
    } finally {
      clearInterval(lease);
    }
  }

  /** Where to copy from: the location written first, unless it no longer holds a good copy. */
  #sourceFor(replication: NonNullable<ClaimedCopy['replication']>, verified: string[], exclude: string): Storage {
    const good = verified.filter((location) => location !== exclude);
    const name = good.includes(replication.sourceLocation) || good.length === 0 ? replication.sourceLocation : good[0];
    return this.#locations.get(name) ?? this.#locations.get(replication.sourceLocation)!;
  }

  async #announce(r: Pick<Replication, 'backupId' | 'checksum' | 'verifiedAt'>): Promise<void> {
    const verifiedAt = r.verifiedAt!;
    await this.bus.publish(
      'backup.verified',
      { backupId: r.backupId, checksum: r.checksum, locations: this.locationNames, verifiedAt: verifiedAt.toISOString() },
      { id: `${r.backupId}:verified:${verifiedAt.getTime()}` },
    );
    await this.repo.markAnnounced(r.backupId, verifiedAt);
  }
}
