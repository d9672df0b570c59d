/**
 * @lifeboat/config-archive: configuration backups on the file-system side. Collecting the files
 * named by globs into a tar stream with their checksums, and listing and safely extracting such an
 * archive. The backup-executor and restore services wire it to the artifact pipeline and storage.
 */
export { collectConfiguration, type CollectOptions, type Collection, type CollectedFile, type EntryType } from './collect';
export { tarStream } from './pack';
export { listArchive, extractArchive, type ExtractOptions, type ExtractReport } from './extract';
export { type ArchiveEntry } from './tar-reader';
