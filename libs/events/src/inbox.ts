/**
 * Idempotent handling. A consumer's handlers run inside the service's database transaction
 * together with the record of the event ids they handle; an event already recorded is skipped.
 * A handler that is idempotent by itself (one statement that gives the same result when run
 * again) may instead run on its own, without the transaction and the record (`runEach`).
 * Implemented by the db library; the bus acks only after `onceEach` or `runEach` resolves.
 */
export interface InboxItem<Tx> {
  eventId: string;
  fn: (tx: Tx) => Promise<void>;
}

export interface Inbox<Tx = unknown> {
  /**
   * Runs, in order, the `fn` of each item whose (consumer, eventId) was not recorded before, and
   * records those ids, all in one transaction. Resolves with whether each item's `fn` ran (an id
   * given twice runs once). Rejects, with nothing recorded, when any `fn` throws.
   */
  onceEach(consumer: string, items: InboxItem<Tx>[]): Promise<boolean[]>;

  /** Runs the `fn` of each item, in order, each on its own: no transaction, no record of ids. */
  runEach(items: InboxItem<Tx>[]): Promise<void>;
}
