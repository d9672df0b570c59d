/**
 * Idempotent handling. A consumer's handler runs inside the service's database transaction
 * together with the record of the event id it handles; an event already recorded is skipped.
 * Implemented by the db library; the bus acks only after `once` resolves (the commit).
 */
export interface Inbox<Tx = unknown> {
  /**
   * Runs `fn` and records (consumer, eventId) in one transaction. Resolves false, without
   * running `fn`, when the id was recorded before. Rejects (nothing recorded) when `fn` throws.
   */
  once(consumer: string, eventId: string, fn: (tx: Tx) => Promise<void>): Promise<boolean>;
}
