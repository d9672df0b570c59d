/**
 * The one registry of Lifeboat's error codes. Every error that crosses a process boundary
 * (GraphQL `extensions.code`, event payloads, CLI exit messages, logs) carries one of these.
 * `retryable` says whether repeating the same operation later can succeed (a location that is
 * down) or not (a wrong key): only retry wrappers read it.
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: { retryable: false, description: 'No valid credentials were presented.' },
  FORBIDDEN: { retryable: false, description: 'The caller is authenticated but its role does not allow this.' },
  BAD_USER_INPUT: { retryable: false, description: 'An argument is invalid; the message names it.' },
  NOT_FOUND: { retryable: false, description: 'The named object does not exist.' },
  CONFLICT: { retryable: false, description: 'The operation conflicts with the current state (already running, already exists).' },
  CONFIG_INVALID: { retryable: false, description: 'The process configuration is missing or malformed.' },
  INTERNAL: { retryable: false, description: 'An unexpected failure; the logs have details.' },
  DEPENDENCY_UNAVAILABLE: { retryable: true, description: 'A dependency (database, NATS) does not answer.' },
  LOCATION_UNAVAILABLE: { retryable: true, description: 'A storage location cannot be reached.' },
  OBJECT_NOT_FOUND: { retryable: false, description: 'A storage location does not hold the requested object.' },
  CHECKSUM_MISMATCH: { retryable: false, description: 'Stored data does not match its recorded SHA-256.' },
  DECRYPT_FAILED: { retryable: false, description: 'Decryption failed: wrong key, or the data was altered.' },
  WRONG_KEY: { retryable: false, description: 'The artifact was encrypted with a master key that is not configured.' },
  TAMPERED: { retryable: false, description: 'The artifact fails authentication: it was altered.' },
  TRUNCATED: { retryable: false, description: 'The artifact ends before its final chunk.' },
  BACKUP_FAILED: { retryable: false, description: 'A backup job failed; the message says at which step.' },
  RESTORE_FAILED: { retryable: false, description: 'A restore failed; the message says at which step.' },
  UNSAFE_ARCHIVE: { retryable: false, description: 'An archive holds an entry that could write outside its target directory (absolute or .. path, link, device); nothing was extracted.' },
  MANIFEST_INVALID: { retryable: false, description: 'A manifest beside an artifact is missing fields or is not JSON.' },
  EVENT_INVALID: { retryable: false, description: 'An event does not match its catalog schema.' },
  QUERY_TOO_COMPLEX: { retryable: false, description: 'The query exceeds the depth or size limit.' },
  WAL_SPOOL_FULL: { retryable: true, description: 'The WAL spool holds more than its limit: wal-push refused a WAL file, which PostgreSQL keeps and offers again; the shipper is behind or stopped.' },
} as const satisfies Record<string, { retryable: boolean; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, value);
}
