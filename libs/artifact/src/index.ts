export { createCompressStream, createDecompressStream, type CompressOptions } from './parallel-gzip';
export {
  createEncryptStream,
  createDecryptStream,
  readHeader,
  FORMAT_VERSION,
  type EncryptOptions,
  type ArtifactHeader,
} from './encryption';
export { createHashTap, type HashTap } from './hash-tap';
export { type Keyring, keyringFromEnv, keyringFromFile, generateMasterKey, masterKeysOption } from './keyring';
