/**
 * What wal-fetch needs, from an environment given to it whole: restore_command runs in
 * PostgreSQL's environment, which is not Lifeboat's, so the CLI reads these from a file.
 *
 *   LIFEBOAT_WAL_LOCATIONS                  the WAL locations, in the order to try them (default r2,b2);
 *                                           each must be one of LIFEBOAT_LOCATIONS
 *   LIFEBOAT_WAL_SYSTEM_ID                  the archive's database system identifier (required)
 *   LIFEBOAT_MASTER_KEYS                    the keys that decrypt the archive (required)
 *   LIFEBOAT_LOCATIONS, LIFEBOAT_LOCATION_<NAME>_*, LIFEBOAT_HOME   the locations, as everywhere
 *                                           (libs/storage); an fs PATH that is not absolute is
 *                                           resolved against LIFEBOAT_HOME, else the data directory
 */
import { type Keyring, keyringFromEnv } from '@lifeboat/artifact';
import { type Env, list, loadConfig, str } from '@lifeboat/config';
import { LifeboatError } from '@lifeboat/errors';
import type { Storage } from '@lifeboat/storage';
import { checkSystemId } from './names';

const walFetchOptions = {
  LIFEBOAT_WAL_LOCATIONS: list({ description: 'The locations WAL is archived to, in the order wal-fetch reads them', default: ['r2', 'b2'] }),
  LIFEBOAT_WAL_SYSTEM_ID: str({ description: "The WAL archive's database system identifier (pg_controldata's)", pattern: /^[1-9][0-9]{0,19}$/ }),
};

/**
 * PostgreSQL runs restore_command once per WAL file, one after the other: a location that is down
 * should cost a moment before the next location is tried, not the full backoff of every attempt.
 */
const FETCH_RETRY = { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000 };

export interface WalFetchConfig {
  locations: Storage[];
  keyring: Keyring;
  systemId: string;
}

/** The WAL locations (opened, in order), keys and system identifier `env` configures.
 *  CONFIG_INVALID naming every bad variable. */
export async function loadWalFetchConfig(env: Env): Promise<WalFetchConfig> {
  const { LIFEBOAT_WAL_LOCATIONS: names, LIFEBOAT_WAL_SYSTEM_ID: systemId } = loadConfig(walFetchOptions, env);
  checkSystemId(systemId);
  const keyring = keyringFromEnv(env);
  // Loaded here rather than at the top: wal-push, which runs for every WAL file, imports this
  // package and needs none of the S3 client.
  const { loadLocations, openLocations } = await import('@lifeboat/storage');
  const configs = loadLocations(env);
  const missing = names.filter((name) => !configs.some((config) => config.name === name));
  if (names.length === 0 || missing.length > 0) {
    throw new LifeboatError('CONFIG_INVALID', `invalid configuration:\n  LIFEBOAT_WAL_LOCATIONS: ${names.length === 0 ? 'must name at least one location' : `${missing.join(', ')} not in LIFEBOAT_LOCATIONS`}`, {
      details: { variables: ['LIFEBOAT_WAL_LOCATIONS'] },
      hint: 'name WAL locations that LIFEBOAT_LOCATIONS lists and LIFEBOAT_LOCATION_<NAME>_* configure',
    });
  }
  const wal = names.map((name) => configs.find((config) => config.name === name)!);
  return { locations: openLocations(wal, FETCH_RETRY), keyring, systemId };
}
