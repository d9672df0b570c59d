import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { inspect } from 'node:util';
import { describeOptions, loadConfig, undocumentedOptions } from '@lifeboat/config';
import { LifeboatError } from '@lifeboat/errors';
import { FsStorage, RetryingStorage, loadLocations, locationOptions, openLocations, openStorage, type LocationConfig } from '../src/index';

function invalidConfig(env: Record<string, string>): LifeboatError {
  try {
    loadLocations(env);
  } catch (err) {
    assert.ok(err instanceof LifeboatError);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err;
  }
  assert.fail('the configuration should be refused');
}

test('with no variables set: local on fs under the working directory, r2 and b2 on the local S3 emulators', () => {
  const sut = loadLocations({});
  assert.deepEqual(
    sut.map((config) => [config.name, config.driver]),
    [
      ['local', 'fs'],
      ['r2', 's3'],
      ['b2', 's3'],
    ],
  );
  const [local, r2, b2] = sut;
  assert.ok(local.driver === 'fs' && r2.driver === 's3' && b2.driver === 's3');
  assert.equal(local.root, path.resolve(process.cwd(), 'var/storage/local'));
  assert.deepEqual(
    { endpoint: r2.endpoint, region: r2.region, bucket: r2.bucket, prefix: r2.prefix, accessKeyId: r2.accessKeyId },
    { endpoint: 'http://127.0.0.1:9010', region: 'auto', bucket: 'securesyntax', prefix: '', accessKeyId: 'S3RVER' },
  );
  assert.equal(r2.secretAccessKey.reveal(), 'S3RVER');
  assert.deepEqual([b2.endpoint, b2.region, b2.bucket], ['http://127.0.0.1:9020', 'us-east-005', 'securesyntax']);
});

test('variables override the defaults, name new locations and set the order', () => {
  const sut = loadLocations({
    LIFEBOAT_HOME: '/srv/lifeboat',
    LIFEBOAT_LOCATIONS: 'b2, nas,local',
    LIFEBOAT_LOCATION_B2_ENDPOINT: 'https://s3.us-east-005.backblazeb2.com',
    LIFEBOAT_LOCATION_B2_BUCKET: 'acme-backups',
    LIFEBOAT_LOCATION_B2_PREFIX: 'prod/',
    LIFEBOAT_LOCATION_B2_ACCESS_KEY_ID: 'key-id',
    LIFEBOAT_LOCATION_B2_SECRET_ACCESS_KEY: 'b2-secret',
    LIFEBOAT_LOCATION_NAS_DRIVER: 'fs',
    LIFEBOAT_LOCATION_NAS_PATH: '/mnt/nas/lifeboat',
    LIFEBOAT_LOCATION_LOCAL_PATH: 'data/local',
  });
  assert.deepEqual(
    sut.map((config) => config.name),
    ['b2', 'nas', 'local'],
  );
  const [b2, nas, local] = sut;
  assert.ok(b2.driver === 's3' && nas.driver === 'fs' && local.driver === 'fs');
  assert.deepEqual([b2.endpoint, b2.region, b2.bucket, b2.prefix, b2.accessKeyId], ['https://s3.us-east-005.backblazeb2.com', 'us-east-005', 'acme-backups', 'prod/', 'key-id']);
  assert.equal(b2.secretAccessKey.reveal(), 'b2-secret');
  assert.equal(nas.root, '/mnt/nas/lifeboat');
  assert.equal(local.root, '/srv/lifeboat/data/local');
});

test('a location can change driver, and then needs the settings of that driver', () => {
  const [local] = loadLocations({
    LIFEBOAT_LOCATIONS: 'local',
    LIFEBOAT_LOCATION_LOCAL_DRIVER: 's3',
    LIFEBOAT_LOCATION_LOCAL_ENDPOINT: 'http://minio:9000',
    LIFEBOAT_LOCATION_LOCAL_REGION: 'us-east-1',
    LIFEBOAT_LOCATION_LOCAL_BUCKET: 'local-backups',
    LIFEBOAT_LOCATION_LOCAL_ACCESS_KEY_ID: 'minio',
    LIFEBOAT_LOCATION_LOCAL_SECRET_ACCESS_KEY: 'minio-secret',
  });
  assert.equal(local.driver, 's3');

  const err = invalidConfig({ LIFEBOAT_LOCATIONS: 'r2', LIFEBOAT_LOCATION_R2_DRIVER: 'fs' });
  assert.match(err.message, /LIFEBOAT_LOCATION_R2_PATH: is required when LIFEBOAT_LOCATION_R2_DRIVER is fs/);
});

test('every bad variable is named', () => {
  const err = invalidConfig({
    LIFEBOAT_LOCATIONS: 'r2,offsite',
    LIFEBOAT_LOCATION_R2_DRIVER: 'ftp',
    LIFEBOAT_LOCATION_R2_ENDPOINT: 'not a url',
    LIFEBOAT_LOCATION_R2_BUCKET: 'Bad_Bucket',
  });
  assert.match(err.message, /LIFEBOAT_LOCATION_R2_DRIVER: must be one of fs, s3, got "ftp"/);
  assert.match(err.message, /LIFEBOAT_LOCATION_R2_ENDPOINT: must be a URL/);
  assert.match(err.message, /LIFEBOAT_LOCATION_R2_BUCKET: must match/);
  assert.match(err.message, /LIFEBOAT_LOCATION_OFFSITE_DRIVER: is required/);

  const s3WithoutEndpoint = invalidConfig({ LIFEBOAT_LOCATIONS: 'offsite', LIFEBOAT_LOCATION_OFFSITE_DRIVER: 's3', LIFEBOAT_LOCATION_OFFSITE_PREFIX: '../up' });
  for (const setting of ['ENDPOINT', 'REGION', 'BUCKET', 'ACCESS_KEY_ID', 'SECRET_ACCESS_KEY', 'PREFIX']) {
    assert.match(s3WithoutEndpoint.message, new RegExp(`LIFEBOAT_LOCATION_OFFSITE_${setting}:`));
  }
  assert.deepEqual(s3WithoutEndpoint.details.variables, [
    'LIFEBOAT_LOCATION_OFFSITE_PREFIX',
    'LIFEBOAT_LOCATION_OFFSITE_ENDPOINT',
    'LIFEBOAT_LOCATION_OFFSITE_REGION',
    'LIFEBOAT_LOCATION_OFFSITE_BUCKET',
    'LIFEBOAT_LOCATION_OFFSITE_ACCESS_KEY_ID',
    'LIFEBOAT_LOCATION_OFFSITE_SECRET_ACCESS_KEY',
  ]);

  assert.match(invalidConfig({ LIFEBOAT_LOCATIONS: 'local,R2,local' }).message, /LIFEBOAT_LOCATIONS: "R2" is not a valid name[\s\S]*"local" is named twice/);
  assert.match(invalidConfig({ LIFEBOAT_LOCATIONS: ' , ' }).message, /LIFEBOAT_LOCATIONS: must name at least one location/);
});

test('secrets never show in errors, JSON or inspect', () => {
  const secret = 'wJalrXUtnFEMI-very-secret';
  const err = invalidConfig({ LIFEBOAT_LOCATIONS: 'r2', LIFEBOAT_LOCATION_R2_SECRET_ACCESS_KEY: secret, LIFEBOAT_LOCATION_R2_REGION: ' ' });
  assert.doesNotMatch(`${err.message} ${JSON.stringify(err)} ${inspect(err)}`, new RegExp(secret));

  const configs = loadLocations({ LIFEBOAT_LOCATIONS: 'r2', LIFEBOAT_LOCATION_R2_SECRET_ACCESS_KEY: secret });
  assert.doesNotMatch(`${JSON.stringify(configs)} ${inspect(configs, { depth: 10 })}`, new RegExp(secret));
  assert.doesNotMatch(inspect(openStorage(configs[0]), { depth: 10 }), new RegExp(secret));
});

test('locationOptions validates with loadConfig and documents every variable for .env.example', () => {
  const sut = locationOptions(['local', 'r2', 'b2']);
  const text = describeOptions(sut);
  assert.deepEqual(undocumentedOptions(sut, text), []);
  assert.match(text, /^LIFEBOAT_LOCATIONS=local,r2,b2$/m);
  assert.match(text, /^LIFEBOAT_LOCATION_LOCAL_PATH=\.\/var\/storage\/local$/m);
  assert.match(text, /^LIFEBOAT_LOCATION_R2_ENDPOINT=http:\/\/127\.0\.0\.1:9010$/m);
  assert.match(text, /^# LIFEBOAT_HOME=$/m);
  assert.ok(Object.keys(sut).includes('LIFEBOAT_LOCATION_B2_SECRET_ACCESS_KEY'));
  const config = loadConfig(sut, {});
  assert.equal(config.LIFEBOAT_LOCATION_B2_REGION, 'us-east-005');
});

test('openLocations gives each location its driver inside the retry wrapper, in order', () => {
  const configs: LocationConfig[] = loadLocations({ LIFEBOAT_HOME: '/tmp/lifeboat-locations-test' });
  const sut = openLocations(configs, { attempts: 2 });
  assert.deepEqual(
    sut.map((storage) => [storage.name, storage.kind, storage.capabilities.multipart]),
    [
      ['local', 'FS', false],
      ['r2', 'S3', true],
      ['b2', 'S3', true],
    ],
  );
  assert.ok(sut.every((storage) => storage instanceof RetryingStorage));
  assert.ok(openStorage(configs[0]) instanceof FsStorage);
});
