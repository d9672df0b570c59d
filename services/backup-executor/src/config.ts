/** The backup-executor's own options (beside the common ones of every service). */
export const backupExecutorOptions = {};
