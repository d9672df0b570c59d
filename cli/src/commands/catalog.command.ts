/**
 * `lifeboat catalog rebuild`: break glass for a lost metadata database. The Backup records belong
 * to the backup-executor, the copies to the storage-replicator, and what restores need to the
 * restore service, so each service's own offline
 * command rebuilds its part from the manifests in a storage location; this runs them in turn as
 * child processes (never importing service code, as the layering requires), passing the
 * environment and output through, and stops at the first that fails.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LifeboatError } from '@lifeboat/errors';
import { UsageError, parseOptions, type Command } from '../command';

/** From cli/dist/src/commands to the repository root. */
const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..', '..');
const SERVICE_COMMANDS = [
  'services/backup-executor/dist/src/commands/catalog-rebuild.js',
  'services/storage-replicator/dist/src/commands/catalog-rebuild.js',
  'services/restore/dist/src/commands/catalog-rebuild.js',
];

export const catalogRebuild: Command = {
  name: 'catalog rebuild',
  summary: "Recreate the backup records from a location's manifests (break glass: needs no running service)",
  help: `Usage: lifeboat catalog rebuild --location NAME [--json]

Recreates the Backup records and their copies from the manifests stored in a location, after the
metadata database was lost. Runs the offline commands of the backup-executor, the
storage-replicator and the restore service:
  ${SERVICE_COMMANDS.join('\n  ')}
with this environment, which must hold what they read (metadata database, locations). Their output
is this command's; the first failure ends it with its exit code. Once the services run again, the
replicator verifies every copy it recorded.

Options:
  --location NAME   the storage location to read the manifests from
  --json            ask the service command for JSON output`,

  async run(args, context) {
    const { values } = parseOptions(args, { options: { location: { type: 'string' }, json: { type: 'boolean' } } });
    if (!values.location) throw new UsageError('--location is required');
    for (const command of SERVICE_COMMANDS) {
      const code = await runServiceCommand(resolve(REPOSITORY_ROOT, command), ['--location', values.location, ...(values.json ? ['--json'] : [])], context.env);
      if (code !== 0) return code;
    }
    return 0;
  },
};

async function runServiceCommand(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (!existsSync(script)) {
    throw new LifeboatError('INTERNAL', `a catalog rebuild command is missing: ${script}`, {
      hint: 'build the repository (npm run build); if the file is still missing, this version of Lifeboat has no catalog rebuild',
    });
  }
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ['inherit', 'inherit', 'inherit'] });
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    child.once('error', fail);
    child.once('close', (exitCode, exitSignal) => done({ code: exitCode, signal: exitSignal }));
  });
  if (signal !== null) throw new LifeboatError('INTERNAL', `the catalog rebuild command was stopped by ${signal}`);
  return code ?? 1;
}
