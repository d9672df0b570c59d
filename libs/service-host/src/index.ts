export {
  type ServiceDefinition,
  type ServiceContext,
  type ServiceConfig,
  type RunningService,
  runServiceMain,
  startService,
  serviceOptions,
  portVariable,
  isDeadLocalInstance,
} from './service';
export { runOfflineCommand, type OfflineCommand, type OfflineCommandContext } from './offline-command';
