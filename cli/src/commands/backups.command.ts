/** `lifeboat backups list`: the backup catalog, newest first, as a table or JSON. */
import { BackupStatus, BackupType } from '@lifeboat/vocabulary';
import { oneOf, parseOptions, integerOption, type Command } from '../command';
import { formatBytes, formatCopies, formatRatio, formatTime, printJson, renderTable } from '../output';
import { connect } from '../session';

const BACKUPS = `query Backups($type: BackupType, $status: BackupStatus, $tenantId: String, $limit: Int = 50, $offset: Int = 0) {
  backups(type: $type, status: $status, tenantId: $tenantId, limit: $limit, offset: $offset) {
    id type tenantId status createdAt sizeBytes compressionRatio durationSeconds checksum copies { location status }
  }
}`;

interface ListedBackup {
  id: string;
  type: string;
  tenantId: string | null;
  status: string;
  createdAt: string;
  sizeBytes: number | null;
  compressionRatio: number | null;
  durationSeconds: number | null;
  checksum: string | null;
  copies: { location: string; status: string }[];
}

export const backupsList: Command = {
  name: 'backups list',
  summary: 'List backups, newest first',
  help: `Usage: lifeboat backups list [--type TYPE] [--status STATUS] [--tenant ID] [--limit N] [--offset N] [--json]

Options:
  --type TYPE       ${Object.keys(BackupType).join(', ')}
  --status STATUS   ${Object.keys(BackupStatus).join(', ')}
  --tenant ID       only this tenant's backups
  --limit N         at most N backups (default 50)
  --offset N        skip the first N
  --json            print the backups as JSON

Copies: ✓ stored or verified, ✗ corrupt or missing, … pending or uploading, - deleted.`,

  async run(args, context) {
    const { values } = parseOptions(args, {
      options: {
        type: { type: 'string' },
        status: { type: 'string' },
        tenant: { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const variables = {
      type: oneOf('type', values.type, BackupType),
      status: oneOf('status', values.status, BackupStatus),
      tenantId: values.tenant,
      limit: integerOption('limit', values.limit, 1) ?? 50,
      offset: integerOption('offset', values.offset, 0) ?? 0,
    };
    const client = await connect(context);
    const { backups } = await client.request<{ backups: ListedBackup[] }>(BACKUPS, variables);
    if (values.json) {
      printJson(context.stdout, backups);
      return;
    }
    if (backups.length === 0) {
      context.stdout.write('No backups.\n');
      return;
    }
    context.stdout.write(
      renderTable(
        [
          { header: 'ID', value: (b) => b.id },
          { header: 'TYPE', value: (b) => (b.tenantId ? `${b.type} (${b.tenantId})` : b.type) },
          { header: 'STATUS', value: (b) => b.status },
          { header: 'CREATED', value: (b) => formatTime(b.createdAt) },
          { header: 'SIZE', value: (b) => formatBytes(b.sizeBytes), align: 'right' },
          { header: 'RATIO', value: (b) => formatRatio(b.compressionRatio), align: 'right' },
          { header: 'COPIES', value: (b) => formatCopies(b.copies) },
        ],
        backups,
      ),
    );
  },
};
