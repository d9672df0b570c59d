/** `lifeboat version`: the CLI's version, from its package.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOptions, type Command } from '../command';
import { printJson } from '../output';

/** From cli/dist/src/commands to cli/package.json. */
const PACKAGE_JSON = join(__dirname, '..', '..', '..', 'package.json');

export const version: Command = {
  name: 'version',
  summary: 'Print the version of this command line',
  help: `Usage: lifeboat version [--json]

Options:
  --json   print the version and Node.js version as JSON`,

  async run(args, context) {
    const { values } = parseOptions(args, { options: { json: { type: 'boolean' } } });
    const { version: cli } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
    if (values.json) printJson(context.stdout, { version: cli, node: process.version });
    else context.stdout.write(`lifeboat ${cli} (Node.js ${process.version})\n`);
  },
};
