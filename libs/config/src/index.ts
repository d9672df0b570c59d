export { Secret } from './secret';
export { type Option, str, url, int, port, bool, oneOf, list, secret, optional } from './options';
export { loadConfig, describeOptions, undocumentedOptions, type OptionSet, type ConfigOf, type Env } from './load-config';
export { commonOptions, sourceDatabaseOption } from './common';
