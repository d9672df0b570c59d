export { createLogger, type Logger } from './logger';
export { HealthChecks, type HealthCheck, type CheckResult, type Readiness } from './health';
export { createMetricsRegistry, Counter, Gauge, Histogram, type Registry } from './metrics';
export { observabilityRouter } from './router';
