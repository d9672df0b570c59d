/**
 * The environment of the API commands, validated once when such a command starts. The break-glass
 * commands (decrypt, inspect, catalog rebuild) never read it, so a malformed LIFEBOAT_URL cannot
 * stand between an operator and a recovery.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, optional, secret, str, url, type Env, type Secret } from '@lifeboat/config';

export const cliOptions = {
  LIFEBOAT_URL: url({
    description: 'GraphQL endpoint of the gateway (HTTP POST and graphql-ws)',
    protocols: ['http', 'https'],
    default: 'http://127.0.0.1:4000/graphql',
  }),
  LIFEBOAT_TOKEN: optional(secret({ description: 'Login or API token; when set, the token file is not read' })),
  LIFEBOAT_CONFIG_DIR: optional(str({ description: 'Directory of the token file `lifeboat login` writes (default ~/.config/lifeboat)' })),
};

export interface CliConfig {
  url: string;
  token: Secret | undefined;
  /** Where `lifeboat login` stores the token and every API command looks for it. */
  tokenFile: string;
}

/** CONFIG_INVALID naming the variable when one is malformed. */
export function loadCliConfig(env: Env): CliConfig {
  const config = loadConfig(cliOptions, env);
  const dir = config.LIFEBOAT_CONFIG_DIR ?? join(homedir(), '.config', 'lifeboat');
  return { url: config.LIFEBOAT_URL, token: config.LIFEBOAT_TOKEN, tokenFile: join(dir, 'token') };
}
