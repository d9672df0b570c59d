/** `/health/live`, `/health/ready` and `/metrics`, mounted on every process's HTTP server. */
import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { HealthChecks } from './health';

export function observabilityRouter(health: HealthChecks, registry: Registry): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/health/ready', async (_req, res) => {
    const readiness = await health.ready();
    res.status(readiness.ok ? 200 : 503).json(readiness);
  });
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
