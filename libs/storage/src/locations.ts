/**
 * Storage locations as configuration. `LIFEBOAT_LOCATIONS` names the locations in order of
 * preference (default `local,r2,b2`); each is set by `LIFEBOAT_LOCATION_<NAME>_<SETTING>`:
 *
 *   DRIVER    fs | s3
 *   PATH      (fs) root directory; a relative path is resolved against LIFEBOAT_HOME, which
 *             defaults to the working directory of the process
 *   ENDPOINT, REGION, BUCKET, PREFIX, ACCESS_KEY_ID, SECRET_ACCESS_KEY   (s3)
 *
 * Three names have defaults, so that a development machine runs without configuration:
 * `local` = fs at ./var/storage/local; `r2` = s3 at http://127.0.0.1:9010, region auto;
 * `b2` = s3 at http://127.0.0.1:9020, region us-east-005; r2 and b2 use bucket `securesyntax` and
 * the credentials the local S3 emulators accept (S3RVER/S3RVER). Any other name must be set in
 * full. Settings the chosen driver does not use are ignored.
 */
import path from 'node:path';
import { type Env, type Option, type OptionSet, type Secret, list, loadConfig, oneOf, optional, secret, str, url } from '@lifeboat/config';
import { LifeboatError } from '@lifeboat/errors';
import { FsStorage, type FsStorageConfig } from './fs-storage';
import { validatePrefix } from './keys';
import { type LocationSetting, locationVariable } from './location-variables';
import { RetryingStorage, type RetryOptions } from './retrying-storage';
import { S3Storage, type S3StorageConfig } from './s3-storage';
import { type Storage } from './storage';

export type LocationConfig = ({ driver: 'fs' } & FsStorageConfig) | ({ driver: 's3' } & S3StorageConfig);

type Driver = LocationConfig['driver'];

interface LocationDefaults {
  driver: Driver;
  path?: string;
  endpoint?: string;
  region?: string;
  bucket?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
}

const S3RVER_CREDENTIALS = { bucket: 'securesyntax', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const DEFAULTS = new Map<string, LocationDefaults>([
  ['local', { driver: 'fs', path: './var/storage/local' }],
  ['r2', { driver: 's3', endpoint: 'http://127.0.0.1:9010', region: 'auto', ...S3RVER_CREDENTIALS }],
  ['b2', { driver: 's3', endpoint: 'http://127.0.0.1:9020', region: 'us-east-005', ...S3RVER_CREDENTIALS }],
]);

const NAME = /^[a-z][a-z0-9_]*$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const generalOptions = {
  LIFEBOAT_LOCATIONS: list({
    description: 'Storage locations, comma separated, in order of preference; each is set by LIFEBOAT_LOCATION_<NAME>_* variables',
    default: ['local', 'r2', 'b2'],
  }),
  LIFEBOAT_HOME: optional(str({ description: 'Directory that relative paths (such as fs locations) are resolved against; default: the working directory of the process' })),
};

/** Every variable that configures the named locations (plus LIFEBOAT_LOCATIONS and LIFEBOAT_HOME),
 *  for `loadConfig` and `.env.example`. */
export function locationOptions(names: string[]): OptionSet {
  const options: OptionSet = { ...generalOptions };
  for (const name of names) {
    const d = DEFAULTS.get(name);
    const set = (setting: LocationSetting, option: Option<unknown>): void => {
      options[locationVariable(name, setting)] = option.defaultText === undefined ? optional(option) : option;
    };
    // Required when the name has no default; the other settings are required by the driver, below.
    options[locationVariable(name, 'DRIVER')] = oneOf({
      description: `Driver of location ${name}: fs (a directory) or s3 (an S3-compatible bucket)`,
      values: ['fs', 's3'] as const,
      default: d?.driver,
    });
    set('PATH', str({ description: `fs: root directory of location ${name}, relative to LIFEBOAT_HOME unless absolute; created when missing`, default: d?.path }));
    set('ENDPOINT', url({ description: `s3: endpoint of location ${name}`, protocols: ['http', 'https'], default: d?.endpoint }));
    set('REGION', str({ description: `s3: region of location ${name}`, default: d?.region }));
    set('BUCKET', str({ description: `s3: bucket of location ${name}`, pattern: BUCKET, default: d?.bucket }));
    set('PREFIX', str({ description: `s3: prefix put in front of every key in location ${name}, e.g. lifeboat/ (empty: none)`, allowEmpty: true, default: '' }));
    set('ACCESS_KEY_ID', str({ description: `s3: access key id for location ${name}`, default: d?.accessKeyId }));
    set('SECRET_ACCESS_KEY', secret({ description: `s3: secret access key for location ${name}`, default: d?.secretAccessKey }));
  }
  return options;
}

/** The configured location called `name` (a command's `--location`); BAD_USER_INPUT when there is none. */
export function locationNamed(env: Env, name: unknown): LocationConfig {
  if (typeof name !== 'string') throw new LifeboatError('BAD_USER_INPUT', '--location is required');
  const config = loadLocations(env).find((l) => l.name === name);
  if (!config) throw new LifeboatError('BAD_USER_INPUT', `no location named ${name} is configured (LIFEBOAT_LOCATIONS)`);
  return config;
}

/** The locations the environment configures, in order of preference. Throws CONFIG_INVALID naming
 *  every bad variable (never showing a secret's value). */
export function loadLocations(env: Env = process.env): LocationConfig[] {
  const { LIFEBOAT_LOCATIONS: names } = loadConfig({ LIFEBOAT_LOCATIONS: generalOptions.LIFEBOAT_LOCATIONS }, env);
  const nameProblems = [
    ...(names.length === 0 ? ['must name at least one location'] : []),
    ...names.filter((name) => !NAME.test(name)).map((name) => `"${name}" is not a valid name (lower case letters, digits and _, starting with a letter)`),
    ...names.filter((name, i) => names.indexOf(name) !== i).map((name) => `"${name}" is named twice`),
  ];
  if (nameProblems.length > 0) throw configInvalid(nameProblems.map((problem) => `LIFEBOAT_LOCATIONS: ${problem}`));

  const values = loadConfig(locationOptions(names), env);
  const home = path.resolve((values.LIFEBOAT_HOME as string | undefined) ?? process.cwd());
  const problems: string[] = [];
  const configs = names.map((name): LocationConfig => {
    const get = <T>(setting: LocationSetting): T | undefined => values[locationVariable(name, setting)] as T | undefined;
    // A missing value is recorded as a problem, and then no config is returned at all.
    const need = <T>(setting: LocationSetting, driver: Driver): T => {
      const value = get<T>(setting);
      if (value === undefined) problems.push(`${locationVariable(name, setting)}: is required when ${locationVariable(name, 'DRIVER')} is ${driver}`);
      return value as T;
    };
    const driver = get<Driver>('DRIVER') as Driver;
    if (driver === 'fs') {
      const root = need<string | undefined>('PATH', driver);
      return { driver, name, root: root === undefined ? '' : path.resolve(home, root) };
    }
    const prefix = get<string>('PREFIX') ?? '';
    try {
      validatePrefix(name, prefix);
    } catch (err) {
      problems.push(`${locationVariable(name, 'PREFIX')}: ${(err as Error).message.replace(/^location \S+: /, '')}`);
    }
    return {
      driver,
      name,
      endpoint: need<string>('ENDPOINT', driver),
      region: need<string>('REGION', driver),
      bucket: need<string>('BUCKET', driver),
      prefix,
      accessKeyId: need<string>('ACCESS_KEY_ID', driver),
      secretAccessKey: need<Secret>('SECRET_ACCESS_KEY', driver),
    };
  });
  if (problems.length > 0) throw configInvalid(problems);
  return configs;
}

/** The driver for one location, without retries. */
export function openStorage(config: LocationConfig): Storage {
  return config.driver === 'fs' ? new FsStorage(config) : new S3Storage(config);
}

/** The drivers for the locations, each wrapped in the retry wrapper, in the same order. */
export function openLocations(configs: LocationConfig[], retryOptions?: RetryOptions): Storage[] {
  return configs.map((config) => new RetryingStorage(openStorage(config), retryOptions));
}

function configInvalid(problems: string[]): LifeboatError {
  return new LifeboatError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, {
    details: { variables: problems.map((problem) => problem.split(':')[0]) },
    hint: 'set the variables named above (see .env.example for every option and its default)',
  });
}
