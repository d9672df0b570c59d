export { type TenancySettings, type TenantInfo, type TenantTable, type ColumnInfo, listTenants, tenantTables, tenantRowCounts, qualified, ident } from './directory';
export { type ArchiveHeader, type ArchiveTable, type ArchiveSection, writeTenantArchive, readTenantArchive } from './archive';
export { TenantExporter, type TenantExport } from './exporter';
export { type TenantRestoreMode, type TablePlan, type TableResult, type TenantResult, planImport, importTenant } from './importer';
export { tenancyOptions, tenancySettingsOf } from './options';
