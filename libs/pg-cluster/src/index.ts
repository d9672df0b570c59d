export {
  PgCluster,
  type ClusterLocation,
  type InitOptions,
  type BaseBackupOptions,
  type RecoverySettings,
  type StopMode,
} from './pg-cluster';
export { type Settings, type SettingValue } from './settings';
export { giveToPostgres } from './run-as-postgres';
export { freePort } from './ports';
