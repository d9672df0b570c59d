/**
 * Reads every manifest a storage location holds: the catalog as storage alone knows it, for
 * rebuilding the metadata after it was lost. A manifest that cannot be read or parsed is reported,
 * not fatal; so is one whose artifact is missing or of another size than it says.
 */
import type { Storage } from '@lifeboat/storage';
import { errorCodeOf, messageOf } from '@lifeboat/errors';
import { type ArtifactManifest, isManifestKey, parseManifest } from './manifest';

export type ScannedManifest = { key: string; manifest: ArtifactManifest; problem?: undefined } | { key: string; manifest?: undefined; problem: string };

export async function* scanManifests(location: Pick<Storage, 'name' | 'list' | 'load' | 'stat'>): AsyncGenerator<ScannedManifest> {
  for await (const object of location.list('')) {
    if (!isManifestKey(object.key)) continue;
    try {
      const chunks: Buffer[] = [];
      for await (const c of await location.load(object.key)) chunks.push(c as Buffer);
      const manifest = parseManifest(Buffer.concat(chunks), `${location.name}:${object.key}`);
      const artifact = await location.stat(manifest.key);
      if (!artifact) yield { key: object.key, problem: `the artifact ${manifest.key} is missing` };
      else if (artifact.sizeBytes !== manifest.sizeBytes) yield { key: object.key, problem: `the artifact holds ${artifact.sizeBytes} bytes, the manifest says ${manifest.sizeBytes}` };
      else yield { key: object.key, manifest };
    } catch (err) {
      yield { key: object.key, problem: `${errorCodeOf(err)}: ${messageOf(err)}` };
    }
  }
}

export interface CatalogRebuild {
  location: string;
  /** Backups recorded now, already known, and manifests that could not be used. */
  created: string[];
  present: string[];
  problems: { key: string; problem: string }[];
}

/**
 * The shared half of every service's `catalog-rebuild`: each usable manifest of `location` is
 * recorded by `record` unless `isKnown` says the service knows that backup already.
 */
export async function rebuildCatalog(
  location: Pick<Storage, 'name' | 'list' | 'load' | 'stat'>,
  steps: {
    isKnown(manifest: ArtifactManifest): Promise<boolean>;
    record(manifest: ArtifactManifest): Promise<void>;
    onProblem?(key: string, problem: string): void;
    onRecorded?(manifest: ArtifactManifest): void;
  },
): Promise<CatalogRebuild> {
  const result: CatalogRebuild = { location: location.name, created: [], present: [], problems: [] };
  for await (const scanned of scanManifests(location)) {
    if (!scanned.manifest) {
      result.problems.push({ key: scanned.key, problem: scanned.problem });
      steps.onProblem?.(scanned.key, scanned.problem);
      continue;
    }
    const m = scanned.manifest;
    if (await steps.isKnown(m)) {
      result.present.push(m.backupId);
      continue;
    }
    await steps.record(m);
    result.created.push(m.backupId);
    steps.onRecorded?.(m);
  }
  return result;
}
