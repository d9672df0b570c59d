export { Supervisor, type ProcessSpec, type SupervisorOptions, type SupervisorEvent } from './supervisor';
export { stopOnSignals } from './stop-on-signals';
