/** The storage-replicator's own options (beside the common ones of every service). */
import { int } from '@lifeboat/config';
import { locationOptions } from '@lifeboat/storage';

export const storageReplicatorOptions = {
  LIFEBOAT_REPLICATION_CONCURRENCY: int({ description: 'Copies (uploads or verifications) one replicator works on at once', default: 4, min: 1, max: 64 }),
  LIFEBOAT_REPLICATION_MAX_BACKOFF_SECONDS: int({ description: 'Longest wait between two attempts at a location that is down', default: 60, min: 1 }),
  ...locationOptions(['local', 'r2', 'b2']),
};
