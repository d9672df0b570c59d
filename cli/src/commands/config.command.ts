/**
 * `lifeboat config list` and `lifeboat config restore`: what a configuration backup holds, and
 * extracting it into an empty directory (of the machine the restore service runs on) — never
 * outside it, never over an existing file unless --overwrite.
 */
import { isAbsolute, resolve } from 'node:path';
import { UsageError, parseOptions, type Command } from '../command';
import { formatBytes, formatTime, printJson, renderTable } from '../output';
import { connect } from '../session';

const FILES = `query ConfigurationFiles($backupId: ID!) {
  configurationFiles(backupId: $backupId) { path type size mode mtime sha256 linkTarget }
}`;

const RESTORE = `mutation RestoreConfiguration($backupId: ID!, $into: String!, $overwrite: Boolean!) {
  restoreConfiguration(backupId: $backupId, into: $into, overwrite: $overwrite) { files directories symlinks bytes restore { id sourceLocation failovers } }
}`;

interface FileView {
  path: string;
  type: string;
  size: number;
  mode: number;
  mtime: string;
  sha256: string | null;
  linkTarget: string | null;
}

export const configList: Command = {
  name: 'config list',
  summary: 'List the files of a configuration backup without extracting them',
  help: `Usage: lifeboat config list BACKUP_ID [--json]`,
  async run(args, context) {
    const { values, positionals } = parseOptions(args, { options: { json: { type: 'boolean' } } }, 1);
    const [backupId] = positionals;
    if (backupId === undefined) throw new UsageError('missing the backup ID');
    const client = await connect(context);
    const { configurationFiles: files } = await client.request<{ configurationFiles: FileView[] }>(FILES, { backupId });
    await client.close();
    if (values.json) return printJson(context.stdout, files);
    context.stdout.write(
      renderTable(
        [
          { header: 'MODE', value: (f) => `${f.type === 'directory' ? 'd' : f.type === 'symlink' ? 'l' : '-'}${(f.mode & 0o777).toString(8).padStart(3, '0')}` },
          { header: 'SIZE', value: (f) => (f.type === 'file' ? formatBytes(f.size) : ''), align: 'right' },
          { header: 'MODIFIED', value: (f) => formatTime(f.mtime) },
          { header: 'PATH', value: (f) => (f.linkTarget ? `${f.path} -> ${f.linkTarget}` : f.path) },
        ],
        files,
      ),
    );
  },
};

export const configRestore: Command = {
  name: 'config restore',
  summary: 'Extract a configuration backup into an empty directory',
  help: `Usage: lifeboat config restore BACKUP_ID --into DIR [--overwrite] [--json]

Extracts the backup's files, with their modes and modification times, into DIR on the machine
the restore service runs on (npm start: this one). DIR must be empty or absent unless
--overwrite; nothing is ever written outside it: an archive with absolute paths, '..' or links
pointing out is refused whole. Needs an ADMIN.

Options:
  --into DIR      the directory to extract into
  --overwrite     allow a non-empty DIR, replacing files that exist
  --json          print the result as JSON`,
  async run(args, context) {
    const { values, positionals } = parseOptions(args, { options: { into: { type: 'string' }, overwrite: { type: 'boolean' }, json: { type: 'boolean' } } }, 1);
    const [backupId] = positionals;
    if (backupId === undefined) throw new UsageError('missing the backup ID');
    if (!values.into) throw new UsageError('--into is required');
    const into = isAbsolute(values.into) ? values.into : resolve(values.into);
    const client = await connect(context);
    const { restoreConfiguration: r } = await client.request<{
      restoreConfiguration: { files: number; directories: number; symlinks: number; bytes: number; restore: { id: string; sourceLocation: string; failovers: string[] } };
    }>(RESTORE, { backupId, into, overwrite: values.overwrite ?? false });
    await client.close();
    if (values.json) return printJson(context.stdout, r);
    context.stdout.write(`Restored ${r.files} files, ${r.directories} directories and ${r.symlinks} links (${formatBytes(r.bytes)}) into ${into}, from ${r.restore.sourceLocation}\n`);
    for (const f of r.restore.failovers) context.stdout.write(`  left ${f}\n`);
  },
};
