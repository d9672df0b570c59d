/**
 * `lifeboat login`: exchanges an email and password for a token at the gateway and saves it in
 * the token file that every other API command reads. The password comes from stdin
 * (`--password-stdin`, for scripts) or from a prompt that does not echo it.
 */
import { Secret } from '@lifeboat/config';
import { loadCliConfig } from '../config';
import { UsageError, parseOptions, type Command, type Context } from '../command';
import { GatewayClient } from '../gateway-client';
import { formatTime, printJson } from '../output';
import { saveToken } from '../session';

const LOGIN = `mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token expiresAt user { email role } }
}`;

interface LoginResult {
  login: { token: string; expiresAt: string | null; user: { email: string; role: string } };
}

/** All of stdin, without the one line break that `echo` or a here-string adds. */
async function readPasswordFromStdin(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads a line from the terminal in raw mode, echoing nothing. Ctrl-C ends the process as it would anywhere else. */
function promptPassword(stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream): Promise<string> {
  stderr.write('Password: ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve) => {
    let password = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolve(password);
          return;
        }
        if (char === '\u0003') {
          finish();
          process.kill(process.pid, 'SIGINT');
          return;
        }
        password = char === '\u007f' || char === '\b' ? [...password].slice(0, -1).join('') : password + char;
      }
    };
    stdin.on('data', onData);
  });
}

async function passwordOf(fromStdin: boolean, context: Context): Promise<string> {
  if (fromStdin) return readPasswordFromStdin(context.stdin);
  if (!context.stdin.isTTY) throw new UsageError('stdin is not a terminal to prompt on: pass --password-stdin and the password on stdin');
  return promptPassword(context.stdin, context.stderr);
}

export const login: Command = {
  name: 'login',
  summary: 'Log in to the gateway and save the token for the other commands',
  help: `Usage: lifeboat login --email EMAIL [--password-stdin] [--json]

Logs in at LIFEBOAT_URL and saves the token in $LIFEBOAT_CONFIG_DIR/token (default
~/.config/lifeboat/token, mode 0600). Without --password-stdin, prompts for the password.

Options:
  --email EMAIL       the account
  --password-stdin    read the password from stdin (for scripts)
  --json              print the account, role, expiry and token file as JSON (never the token)`,

  async run(args, context) {
    const { values } = parseOptions(args, {
      options: { email: { type: 'string' }, 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' } },
    });
    if (!values.email) throw new UsageError('--email is required');
    const config = loadCliConfig(context.env);
    const password = await passwordOf(values['password-stdin'] === true, context);
    if (password === '') throw new UsageError('the password is empty');
    const { login: result } = await new GatewayClient(config.url).request<LoginResult>(LOGIN, { email: values.email, password });
    await saveToken(config.tokenFile, new Secret(result.token));
    const summary = { email: result.user.email, role: result.user.role, expiresAt: result.expiresAt, tokenFile: config.tokenFile };
    if (values.json) printJson(context.stdout, summary);
    else {
      context.stdout.write(
        `Logged in as ${summary.email} (${summary.role}); token saved to ${summary.tokenFile}, valid until ${formatTime(summary.expiresAt)}.\n`,
      );
    }
    if (config.token) context.stderr.write('note: LIFEBOAT_TOKEN is set, and the other commands send it rather than the saved token\n');
  },
};
