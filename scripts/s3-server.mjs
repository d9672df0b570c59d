// A local S3-compatible server that plays R2 or B2 for `npm start` when no real endpoint is
// configured: `node scripts/s3-server.mjs --port 9010 --dir var/s3/r2 --bucket securesyntax`.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startS3Server } = require('../libs/s3-emulator/dist/src/index.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const port = Number(arg('port', '9010'));
const directory = arg('dir', 'var/s3');
const buckets = arg('bucket', 'securesyntax').split(',');
mkdirSync(directory, { recursive: true });
const server = await startS3Server({ port, directory, buckets });
console.log(`S3-compatible server on ${server.endpoint} (buckets ${buckets.join(', ')}, data in ${directory})`);
const stop = () => server.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
