/**
 * `lifeboat wal-push` and `lifeboat wal-fetch`: PostgreSQL's archive_command and restore_command,
 * run by the PostgreSQL server (as its OS user) on the database machine, once per WAL file. They
 * need no running Lifeboat service. Exit 0 means done; any other exit, PostgreSQL's reading of
 * failure: it keeps the WAL file and pushes it again later, or takes the file as absent.
 *
 * The WAL library is loaded only when one of them runs: wal-push runs for every WAL file and must
 * start quickly.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseEnv } from 'node:util';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { UsageError, integerOption, parseOptions, type Command } from '../command';

const DEFAULT_MAX_SPOOL_BYTES = 10 * 1024 ** 3;

export const walPush: Command = {
  name: 'wal-push',
  summary: "Copy a WAL file into the spool, durably (PostgreSQL's archive_command)",
  help: `Usage: lifeboat wal-push PATH --spool DIR --system-id ID [--max-spool-bytes N]

PostgreSQL's archive_command. Copies the WAL file at PATH (%p) into the spool directory, where the
backup-executor picks it up to compress, encrypt and upload it to the WAL locations. Exits 0 only
once the copy is complete and fsynced: PostgreSQL then recycles its own.

  archive_command = 'lifeboat wal-push %p --spool /var/lib/lifeboat/wal-spool --system-id 7301234567890123456'

Refused, exit 1 (PostgreSQL keeps the file and tries again; the reason is in its log):
  CONFLICT         a segment written by another database system (a second cluster archiving
                   here), or a name pushed before with different content
  WAL_SPOOL_FULL   the spool holds more than --max-spool-bytes; an alert is left for the shipper
  BAD_USER_INPUT   not a WAL file, or not a whole segment
A file pushed before with the same content is accepted again (exit 0).

Options:
  --spool DIR             the spool (created when missing, mode 0770; postgres and the shipper
                          need a common group on it: chgrp <group> DIR && chmod 2770 DIR)
  --system-id ID          the cluster's "Database system identifier" (pg_controldata)
  --max-spool-bytes N     refuse while the spool holds more than N bytes (default ${DEFAULT_MAX_SPOOL_BYTES}, 10 GiB)`,

  async run(args) {
    const { values, positionals } = parseOptions(
      args,
      { options: { spool: { type: 'string' }, 'system-id': { type: 'string' }, 'max-spool-bytes': { type: 'string' } } },
      1,
    );
    const [source] = positionals;
    if (source === undefined) throw new UsageError('missing the WAL file PATH (%p)');
    if (!values.spool) throw new UsageError('--spool is required');
    if (!values['system-id']) throw new UsageError('--system-id is required');
    const maxSpoolBytes = integerOption('max-spool-bytes', values['max-spool-bytes'], 0) ?? DEFAULT_MAX_SPOOL_BYTES;
    const { pushSegment } = await import('@lifeboat/wal');
    await pushSegment({ source, name: basename(source), spoolDir: values.spool, systemId: values['system-id'], maxSpoolBytes });
  },
};

export const walFetch: Command = {
  name: 'wal-fetch',
  summary: "Fetch an archived WAL file from the WAL locations (PostgreSQL's restore_command)",
  help: `Usage: lifeboat wal-fetch NAME PATH --settings FILE

PostgreSQL's restore_command during a point-in-time restore. Fetches the archived WAL file NAME
(%f) from the first WAL location whose copy decrypts and decompresses whole, and writes it to PATH
(%p) under a temporary name, renamed only when complete and fsynced. A location that is down or
holds a damaged copy is passed over, with a line on stderr.

  restore_command = 'lifeboat wal-fetch %f %p --settings /etc/lifeboat/wal-fetch.env'

Exit 0: the file is in place. Exit 1: no location has it (OBJECT_NOT_FOUND: PostgreSQL asks for
files past the end of the archive, so this is how a restore ends), or none could serve it (the
message names each location's failure).

FILE holds NAME=value lines (# comments); nothing else is read from the environment:
  LIFEBOAT_WAL_LOCATIONS       the WAL locations in the order to try (default r2,b2)
  LIFEBOAT_WAL_SYSTEM_ID       the archive's database system identifier
  LIFEBOAT_MASTER_KEYS         the keys (id:base64key, comma separated)
  LIFEBOAT_LOCATIONS, LIFEBOAT_LOCATION_<NAME>_*   the locations (see .env.example); give fs
                               locations an absolute PATH (or set LIFEBOAT_HOME in FILE)
The file holds secrets: make it readable by the postgres user only.`,

  async run(args, context) {
    const { values, positionals } = parseOptions(args, { options: { 'settings': { type: 'string' } } }, 2);
    const [name, destination] = positionals;
    if (name === undefined || destination === undefined) throw new UsageError('missing the WAL file NAME (%f) and PATH (%p)');
    if (!values['settings']) throw new UsageError('--settings is required');
    const env = await readEnvFile(values['settings']);
    // Every line on stderr lands in PostgreSQL's log, once per WAL file: the S3 client's notice
    // about future Node versions (what npm start and npm test silence the same way) is not news there.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const { fetchSegment, loadWalFetchConfig } = await import('@lifeboat/wal');
    const { locations, keyring, systemId } = await loadWalFetchConfig(env);
    const { location, failures } = await fetchSegment({ name, destination, locations, keyring, systemId });
    for (const failure of failures) {
      context.stderr.write(`lifeboat: wal-fetch ${name}: skipped ${failure.location}: ${failure.code}: ${failure.message}; served by ${location}\n`);
    }
  },
};

/** The NAME=value lines of the env file (dotenv syntax: # comments, optional quotes). */
async function readEnvFile(path: string): Promise<Record<string, string | undefined>> {
  try {
    return parseEnv(await readFile(path, 'utf8'));
  } catch (err) {
    throw new LifeboatError('CONFIG_INVALID', `--settings ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? messageOf(err)})`, {
      cause: err,
      hint: 'pass the path of a file the postgres user can read, holding LIFEBOAT_WAL_SYSTEM_ID, LIFEBOAT_MASTER_KEYS and the locations',
    });
  }
}
