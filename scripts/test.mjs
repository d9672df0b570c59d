// `npm test`: build, lint, layering, then every unit and integration test with node's test runner
// against the real PostgreSQL, NATS and S3-compatible servers (started when missing).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureLocalServices } from './services.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const quick = args.includes('--no-lint');

function run(label, cmd, cmdArgs, options = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
  if (r.status !== 0) {
    console.error(`\n${label} failed (exit ${r.status ?? r.signal})`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log(`${label}: ok (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const SKIP = new Set(['node_modules', '.git', 'var']);
function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith('.test.js') && path.includes('/dist/')) {
      // Only tests whose TypeScript source still exists (dist may hold stale files locally).
      const source = path.replace('/dist/', '/').replace(/\.js$/, '.ts');
      if (existsSync(source)) out.push(relative(root, path));
    }
  }
  return out;
}

await ensureLocalServices();
run('build', 'npx', ['tsc', '-b']);
if (!quick) {
  run('lint', 'npx', ['eslint', '--max-warnings=0', '.']);
  run('layering', 'npx', ['depcruise', '--config', '.dependency-cruiser.cjs', 'libs', 'services', 'gateway', 'cli', 'test']);
}
let files = findTests(root).sort();
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  // node --test without files would go looking for tests by its own patterns (benchmarks among them).
  console.error(`no test file matches ${only.join(', ')} (paths look like test/dist/system/tenants.test.js)`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
console.log(`running ${files.length} test files`);
const r = spawnSync(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-timeout=300000', `--test-concurrency=${process.env.LIFEBOAT_TEST_CONCURRENCY ?? 3}`, ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, LIFEBOAT_LOG_LEVEL: process.env.LIFEBOAT_LOG_LEVEL ?? 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
);
process.exit(r.status ?? 1);
