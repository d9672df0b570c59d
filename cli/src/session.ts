/**
 * Who the API commands act as: the token in LIFEBOAT_TOKEN, else the one `lifeboat login` saved
 * in the token file. The file is private to its owner (0600) and replaced atomically, so a
 * concurrent command reads the old token or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Secret } from '@lifeboat/config';
import { LifeboatError, messageOf } from '@lifeboat/errors';
import { loadCliConfig, type CliConfig } from './config';
import type { Context } from './command';
import { GatewayClient } from './gateway-client';

const LOGIN_HINT = 'run `lifeboat login --email <you>` first, or set LIFEBOAT_TOKEN to an API token';

/** The token to send; UNAUTHENTICATED with a hint to log in when there is none. */
export async function tokenOf(config: CliConfig): Promise<Secret> {
  if (config.token) return config.token;
  let text: string;
  try {
    text = await readFile(config.tokenFile, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new LifeboatError('UNAUTHENTICATED', `not logged in: LIFEBOAT_TOKEN is not set and there is no token file at ${config.tokenFile}`, {
        hint: LOGIN_HINT,
      });
    }
    throw new LifeboatError('UNAUTHENTICATED', `the token file ${config.tokenFile} cannot be read (${code ?? messageOf(err)})`, { hint: LOGIN_HINT });
  }
  if (text.trim() === '') throw new LifeboatError('UNAUTHENTICATED', `the token file ${config.tokenFile} is empty`, { hint: LOGIN_HINT });
  return new Secret(text.trim());
}

/** Writes the token file (mode 0600, its directory 0700 when created), replacing any previous one. */
export async function saveToken(path: string, token: Secret): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(path), `.token.${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(temporary, `${token.reveal()}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
}

/** A client for the gateway, authenticated as above. */
export async function connect(context: Context): Promise<GatewayClient> {
  const config = loadCliConfig(context.env);
  return new GatewayClient(config.url, await tokenOf(config));
}
