export {
  parseWalFileName,
  segmentInfo,
  segmentNameOf,
  precedesBaseBackup,
  checkSystemId,
  walKey,
  DEFAULT_SEGMENT_SIZE,
  type WalFileKind,
  type WalFileName,
  type SegmentInfo,
} from './names';
export { parseSegmentHeader, readSegmentHeader, type SegmentHeader } from './segment-header';
export { readyToShip, markShipped, forgetShipped, removeOrphanTemporaries, type SpooledFile } from './spool';
export { pushSegment, type PushOptions, type PushResult } from './push';
export { fetchSegment, type FetchOptions, type FetchResult, type FetchFailure } from './fetch';
export { loadWalFetchConfig, type WalFetchConfig } from './fetch-config';
