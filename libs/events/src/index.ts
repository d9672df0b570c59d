export { EVENT_CATALOG, EVENT_TYPES, type EventType, type EventData, isEventType, currentVersion } from './catalog';
export { type Envelope, type EnvelopeOptions, createEnvelope, validateEnvelope } from './envelope';
export { JOB_CATALOG, type JobKind, type JobPayload } from './jobs';
export { type Inbox, type InboxItem } from './inbox';
export { LiveIterator } from './live-iterator';
export { Subjects } from './subjects';
export { EventBus, type BusOptions, type BusLogger, type ConsumeOptions, type Job, type Stoppable } from './bus';
export { ProgressTicker } from './progress-ticker';
