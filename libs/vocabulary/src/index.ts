/**
 * The shared vocabulary of the API contract (API.md): value sets that the GraphQL schema, the
 * event catalog and the entities of several services must spell the same way. Each is an object
 * (usable as a GraphQL enum map) and a union type of its values.
 */
function values<const T extends string>(...names: T[]): { readonly [K in T]: K } {
  return Object.fromEntries(names.map((n) => [n, n])) as { readonly [K in T]: K };
}

export const BackupType = values('FULL_DATABASE', 'BASE_BACKUP', 'TENANT_BACKUP', 'WAL_ARCHIVE', 'CONFIGURATION');
export type BackupType = keyof typeof BackupType;

export const BackupStatus = values('PENDING', 'IN_PROGRESS', 'COMPLETED', 'VERIFIED', 'FAILED', 'EXPIRED');
export type BackupStatus = keyof typeof BackupStatus;

export const CopyStatus = values('PENDING', 'UPLOADING', 'STORED', 'VERIFIED', 'CORRUPT', 'MISSING', 'DELETED');
export type CopyStatus = keyof typeof CopyStatus;

export const RestoreMode = values('FULL', 'MERGE', 'PITR');
export type RestoreMode = keyof typeof RestoreMode;

export const RestoreStatus = values('PENDING', 'RUNNING', 'COMPLETED', 'FAILED');
export type RestoreStatus = keyof typeof RestoreStatus;

/** The values of a vocabulary object as a non-empty tuple (for zod enums and checks). */
export function valuesOf<T extends string>(vocabulary: { readonly [K in T]: K }): [T, ...T[]] {
  return Object.keys(vocabulary) as [T, ...T[]];
}
