export { pgBinary, redactUrl } from './binaries';
export { type ChildStream, spawnOutput, runProgram } from './child-stream';
export { SnapshotSession, countRows, quoteIdent, type TableCount, type ServerFacts } from './snapshot';
export { pgDump, connectionOf, type DumpOptions } from './pg-dump';
