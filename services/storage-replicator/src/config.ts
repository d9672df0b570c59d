/** The storage-replicator's own options (beside the common ones of every service). */
export const storageReplicatorOptions = {};
