export { MANIFEST_FORMAT, MANIFEST_SUFFIX, type ArtifactManifest, type ManifestTableCount, manifestKeyOf, isManifestKey, serializeManifest, parseManifest } from './manifest';
export { scanManifests, rebuildCatalog, type ScannedManifest, type CatalogRebuild } from './scan';
