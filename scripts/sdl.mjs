// Writes each service's subgraph SDL to gateway/subgraphs/<name>.graphql, which the gateway
// composes at start: `npm run sdl` after changing a service's GraphQL schema (build first).
// `--check` writes nothing and exits 1 when a committed file is out of date.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const services = readdirSync(join(root, 'services')).filter((d) => existsSync(join(root, 'services', d, 'dist/src/service.js')));

// One process per service: type-graphql keeps its metadata in a process-wide store.
const printer = `
const def = Object.values(require(process.argv[1])).find((v) => v && typeof v === 'object' && 'subgraph' in v);
const { buildSubgraph, subgraphSdl } = require(require.resolve('@lifeboat/graphql', { paths: [process.argv[2]] }));
buildSubgraph(def.subgraph).then((s) => process.stdout.write(subgraphSdl(s)));
`;

let stale = 0;
for (const name of services) {
  const dir = join(root, 'services', name);
  const r = spawnSync(process.execPath, ['-e', printer, join(dir, 'dist/src/service.js'), dir], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`${name}: ${r.stderr}`);
    process.exit(1);
  }
  const file = join(root, 'gateway/subgraphs', `${name}.graphql`);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const sdl = `${r.stdout.trim()}\n`;
  if (current === sdl) continue;
  if (check) {
    console.error(`gateway/subgraphs/${name}.graphql is out of date: run npm run sdl`);
    stale++;
  } else {
    writeFileSync(file, sdl);
    console.log(`wrote gateway/subgraphs/${name}.graphql`);
  }
}
process.exit(stale ? 1 : 0);
