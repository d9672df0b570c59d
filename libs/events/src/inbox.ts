/**
 * Idempotent handling. A consumer's handlers run inside the service's database transaction
 * together with the record of the event ids they handle; an event already recorded is skipped.
 * Implemented by the db library; the bus acks only after `onceEach` resolves (the commit).
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
}
