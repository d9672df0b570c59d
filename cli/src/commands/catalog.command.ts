/**
 * `lifeboat catalog rebuild`: break glass for a lost metadata database. The Backup records belong
 * to the backup-executor service, so the service's own offline command rebuilds them from the
 * manifests in a storage location; this runs it as a child process (never importing service
 * code, as the layering requires), passing the environment, output and exit code through.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { LifeboatError } from '@lifeboat/errors';
import { UsageError, parseOptions, type Command } from '../command';

/** From cli/dist/src/commands to the repository root. */
const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..', '..');
const SERVICE_COMMAND = 'services/backup-executor/dist/src/commands/catalog-rebuild.js';

export const catalogRebuild: Command = {
  name: 'catalog rebuild',
  summary: "Recreate the backup records from a location's manifests (break glass: needs no running service)",
  help: `Usage: lifeboat catalog rebuild --location NAME [--json]

Recreates the Backup records from the manifests stored in a location, after the metadata database
was lost. Runs the backup-executor's offline command (${SERVICE_COMMAND})
with this environment, which must hold what that service reads (metadata database, locations).
Its output and exit code are this command's.

Options:
  --location NAME   the storage location to read the manifests from
  --json            ask the service command for JSON output`,

  async run(args, context) {
    const { values } = parseOptions(args, { options: { location: { type: 'string' }, json: { type: 'boolean' } } });
    if (!values.location) throw new UsageError('--location is required');
    const script = resolve(REPOSITORY_ROOT, SERVICE_COMMAND);
    if (!existsSync(script)) {
      throw new LifeboatError('INTERNAL', `the backup-executor's catalog rebuild command is missing: ${script}`, {
        hint: 'build the repository (npm run build); if the file is still missing, this version of Lifeboat has no catalog rebuild',
      });
    }
    const child = spawn(process.execPath, [script, '--location', values.location, ...(values.json ? ['--json'] : [])], {
      env: context.env,
      stdio: ['inherit', 'inherit', 'inherit'],
    });
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
      child.once('error', fail);
      child.once('close', (exitCode, exitSignal) => done({ code: exitCode, signal: exitSignal }));
    });
    if (signal !== null) throw new LifeboatError('INTERNAL', `the catalog rebuild command was stopped by ${signal}`);
    return code ?? 1;
  },
};
