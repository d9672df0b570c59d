export { startSystem, SERVICE_NAMES, ROOT, type System, type ServiceName, type GraphQLResult, type SystemOptions } from './system';
export * from './backups';
export * from './restores';
export * from './tenants';
export * from './pitr';
