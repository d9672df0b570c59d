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
