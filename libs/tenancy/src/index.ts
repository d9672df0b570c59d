export { type TenancySettings, type TenantInfo, type TenantTable, type ColumnInfo, listTenants, tenantTables, tenantRowCounts, qualified, ident } from './directory';
export { ARCHIVE_MAGIC, type ArchiveHeader, type ArchiveTable, type ArchiveSection, copyText, writeTenantArchive, readTenantArchive } from './archive';
export { TenantExporter, type TenantExport } from './exporter';
export { type TenantRestoreMode, type TablePlan, type TableResult, type TenantResult, planImport, importTenant } from './importer';
export { tenancyOptions, tenancySettingsOf } from './options';
