/** Helpers for tests that restore through the gateway. */
import { Readable } from 'node:stream';
import type { Storage } from '@lifeboat/storage';
import { eventually } from '@lifeboat/testkit';
import type { GraphQLResult, System } from './system';

export interface RestoreLogView {
  id: string;
  status: string;
  errorMessage: string | null;
  targetDatabase: string | null;
  previousDatabase: string | null;
  sourceLocation: string | null;
  failovers: string[];
  plan: string | null;
  dryRun: boolean;
  rowCheck: Record<string, { expected: number; found: number }> | null;
  tenantIds: string[] | null;
  backupIds: string[] | null;
  tenantResults: Record<string, Record<string, { rows: number; deleted: number; inserted: number; kept: number; conflicts: number }>> | null;
  initiatedBy: string;
  backup: { id: string } | null;
  jobs: number;
  startedAt: string | null;
  completedAt: string | null;
  durationSeconds: number | null;
}

const RESTORE_FIELDS =
  'id status errorMessage targetDatabase previousDatabase sourceLocation failovers plan dryRun rowCheck tenantIds backupIds tenantResults initiatedBy backup { id } jobs startedAt completedAt durationSeconds';

export async function startRestore(sys: System, token: string, input: Record<string, unknown>): Promise<GraphQLResult<{ startRestore: RestoreLogView }>> {
  return sys.graphql<{ startRestore: RestoreLogView }>(`mutation ($input: RestoreInput!) { startRestore(input: $input) { ${RESTORE_FIELDS} } }`, { input }, token);
}

export async function restoreLog(sys: System, token: string, id: string): Promise<RestoreLogView> {
  const r = await sys.graphql<{ restore: RestoreLogView }>(`query ($id: ID!) { restore(id: $id) { ${RESTORE_FIELDS} } }`, { id }, token);
  if (!r.data?.restore) throw new Error(`restore(${id}) failed: ${JSON.stringify(r.errors)}`);
  return r.data.restore;
}

export async function waitForRestore(sys: System, token: string, id: string, timeoutMs = 90_000): Promise<RestoreLogView> {
  return eventually(`restore ${id} to end`, async () => {
    const log = await restoreLog(sys, token, id);
    return log.status === 'COMPLETED' || log.status === 'FAILED' ? log : undefined;
  }, timeoutMs, 250);
}

/** Flips a few bytes in the middle of an object, through the storage API. */
export async function corrupt(location: Storage, key: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of await location.load(key)) chunks.push(c as Buffer);
  const bytes = Buffer.concat(chunks);
  for (let i = 0; i < 4; i++) bytes[Math.floor(bytes.length / 2) + i] ^= 0x5a;
  await location.save(key, Readable.from([bytes]));
}
