export { pgBinary, redactUrl } from './binaries';
export { type ChildStream, spawnOutput, runProgram } from './child-stream';
export { SnapshotSession, countRows, quoteIdent, type TableCount, type ServerFacts } from './snapshot';
export { pgDump, pgBaseBackup, parseBaseBackupLog, connectionOf, type DumpOptions, type BaseBackupPoints } from './pg-dump';
export { pgRestore, type RestoreOptions, type DumpSection } from './pg-restore';
export { DatabaseServer, checkDatabaseName, databaseUrlOf, databaseNameOf, MAX_DATABASE_NAME } from './databases';
export { type DumpToc, type TocEntry } from './dump-toc';
export { DumpLoader, type DumpLoaderOptions, type LoadedData, type LoadedTable } from './dump-loader';
export { StreamedRestore, type StreamedRestoreOptions } from './streamed-restore';
