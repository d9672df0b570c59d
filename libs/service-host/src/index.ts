export {
  type ServiceDefinition,
  type ServiceContext,
  type ServiceConfig,
  type RunningService,
  runServiceMain,
  startService,
  serviceOptions,
  portVariable,
} from './service';
