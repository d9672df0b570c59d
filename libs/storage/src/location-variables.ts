/** The environment variables that configure a location, named in config errors and in drivers' hints. */

export type LocationSetting = 'DRIVER' | 'PATH' | 'ENDPOINT' | 'REGION' | 'BUCKET' | 'PREFIX' | 'ACCESS_KEY_ID' | 'SECRET_ACCESS_KEY';

/** `LIFEBOAT_LOCATION_<NAME>_<SETTING>`, e.g. `LIFEBOAT_LOCATION_R2_BUCKET`. */
export function locationVariable(location: string, setting: LocationSetting): string {
  return `LIFEBOAT_LOCATION_${location.toUpperCase()}_${setting}`;
}
