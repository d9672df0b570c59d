export {
  type Storage,
  type StorageKind,
  type StorageCapabilities,
  type SaveBody,
  type SaveOptions,
  type ByteRange,
  type ObjectInfo,
  type ListedObject,
  type StorageUsage,
} from './storage';
export { FsStorage, type FsStorageConfig } from './fs-storage';
export { S3Storage, type S3StorageConfig } from './s3-storage';
export { RetryingStorage, type RetryOptions } from './retrying-storage';
export { type LocationConfig, locationOptions, loadLocations, locationNamed, openLocations, openStorage } from './locations';
