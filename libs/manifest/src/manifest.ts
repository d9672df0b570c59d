/**
 * The manifest beside every artifact (`<key>.manifest.json`), written after the artifact is
 * complete: its presence means the artifact is whole. It records what the catalog records —
 * type, tenant, sizes, SHA-256 of the stored object, master key id, source facts, row counts —
 * so that the catalog can be rebuilt from a storage location alone, and a restore can check what
 * came back. It is plain JSON (no data, no keys); the artifact it describes is encrypted.
 */
import { z } from 'zod';
import { LifeboatError } from '@lifeboat/errors';
import { BackupType, valuesOf } from '@lifeboat/vocabulary';

export const MANIFEST_FORMAT = 'lifeboat-manifest/1';
export const MANIFEST_SUFFIX = '.manifest.json';

const tableCount = z.object({ schema: z.string(), table: z.string(), rows: z.number().int().nonnegative() });

const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  backupId: z.string().uuid(),
  type: z.enum(valuesOf(BackupType)),
  tenantId: z.string().nullable(),
  jobId: z.string().uuid().nullable(),
  key: z.string().min(1),
  filename: z.string().min(1),
  sizeBytes: z.number().int().nonnegative(),
  originalSizeBytes: z.number().int().nonnegative(),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
  keyId: z.string().min(1),
  compression: z.object({ algorithm: z.literal('gzip'), level: z.number().int().min(1).max(9) }),
  encryption: z.object({ algorithm: z.literal('aes-256-gcm') }),
  source: z.object({
    database: z.string(),
    serverVersion: z.string(),
    serverVersionNum: z.number().int(),
    tool: z.string(),
    tables: z.array(tableCount),
  }),
  startedAt: z.string().datetime(),
  completedAt: z.string().datetime(),
  /** What only some types carry (WAL positions, tenant export layout, configuration file list). */
  details: z.record(z.unknown()).default({}),
});

export type ArtifactManifest = z.infer<typeof manifestSchema>;
export type ManifestTableCount = z.infer<typeof tableCount>;

export function manifestKeyOf(artifactKey: string): string {
  return `${artifactKey}${MANIFEST_SUFFIX}`;
}

export function isManifestKey(key: string): boolean {
  return key.endsWith(MANIFEST_SUFFIX);
}

export function serializeManifest(manifest: Omit<ArtifactManifest, 'format'>): Buffer {
  const full = manifestSchema.parse({ ...manifest, format: MANIFEST_FORMAT });
  return Buffer.from(`${JSON.stringify(full, null, 2)}\n`);
}

/** Parses and validates a manifest; MANIFEST_INVALID names what is wrong. */
export function parseManifest(bytes: Buffer | string, where = 'manifest'): ArtifactManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString());
  } catch {
    throw new LifeboatError('MANIFEST_INVALID', `${where} is not JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new LifeboatError('MANIFEST_INVALID', `${where} is not a Lifeboat manifest: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
