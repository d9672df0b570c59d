// `npm run bench -- <name> [options]`: makes sure PostgreSQL and NATS answer, builds the system
// tests' project (and everything it references), then runs the benchmark test/bench/<name>.ts as
// `node test/dist/bench/<name>.js [options]`, with its exit status. The benchmarks are the .ts
// files directly in test/bench (its lib/ holds their shared code); an unknown name lists them.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { ensureLocalServices } from './services.mjs';

const root = new URL('..', import.meta.url).pathname;
const [name, ...options] = process.argv.slice(2);

const available = readdirSync(join(root, 'test', 'bench'))
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.test.ts'))
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();

if (!available.includes(name)) {
  if (name !== undefined) console.error(`no benchmark named ${name}`);
  console.error(`usage: npm run bench -- <name> [options]   (<name> --help for its options)\nbenchmarks: ${available.join(', ')}`);
  process.exit(2);
}

await ensureLocalServices();
const started = Date.now();
// The test project references every package a benchmark starts (services, gateway, libraries).
const build = spawnSync('npx', ['tsc', '-b', 'test'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error(`build failed (exit ${build.status ?? build.signal})`);
  process.exit(1);
}
console.log(`build: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);

const child = spawn(process.execPath, [join(root, 'test', 'dist', 'bench', `${name}.js`), ...options], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});
// The benchmark cleans up on a signal and then exits: pass signals on, and wait for it.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
