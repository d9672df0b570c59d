/**
 * The demo application's database: the multi-tenant database (tenants sharing tables under
 * row-level security) that Lifeboat protects in demos and tests. This file is the package's
 * only public surface.
 */
export { applySchema, resetSchema, TENANT_TABLES, DEMO_ROLES, type TenantTable } from './schema';
export { seedDemo, type SeedOptions, type SeedReport } from './seed';
export { tenantId } from './tenant-data';
export { demoStats, type DemoStats, type TenantRows } from './stats';
export { writeLoad, type WriteLoadOptions, type WriteLoadReport, type LoadMark } from './write-load';
