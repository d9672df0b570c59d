export { Supervisor, type ProcessSpec, type SupervisorOptions, type SupervisorEvent } from './supervisor';
export { SUPERVISED_VARIABLE, stopOnSignals } from './stop-on-signals';
