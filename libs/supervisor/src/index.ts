export { Supervisor, type ProcessSpec, type SupervisorOptions, type SupervisorEvent } from './supervisor';
