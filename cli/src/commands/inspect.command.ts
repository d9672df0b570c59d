/**
 * `lifeboat inspect`: what an artifact's header says (format version, which master key it needs,
 * chunk size) without any key. Reads only the header, however large the artifact.
 */
import { readHeader } from '@lifeboat/artifact';
import { parseOptions, type Command } from '../command';
import { openInput } from '../files';
import { formatBytes, printJson } from '../output';

export const inspect: Command = {
  name: 'inspect',
  summary: "Print an artifact's header (format version, key id, chunk size) without any key",
  help: `Usage: lifeboat inspect [--in FILE] [--json]

Reads the header of an artifact and prints which master key it needs, without decrypting.

Options:
  --in FILE   the artifact (default: stdin)
  --json      print the header as JSON`,

  async run(args, context) {
    const { values } = parseOptions(args, { options: { in: { type: 'string' }, json: { type: 'boolean' } } });
    const header = await readHeader(await openInput(values.in, context.stdin));
    if (values.json) {
      printJson(context.stdout, header);
      return;
    }
    context.stdout.write(
      [
        `format version  ${header.formatVersion}`,
        `key id          ${header.keyId}`,
        `chunk size      ${header.chunkSize} bytes (${formatBytes(header.chunkSize)})`,
        `header size     ${header.headerBytes} bytes`,
      ].join('\n') + '\n',
    );
  },
};
