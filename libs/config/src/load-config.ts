/** Validates a process's environment once into a typed object, failing with every bad variable named. */
import { LifeboatError } from '@lifeboat/errors';
import type { Option } from './options';

export type OptionSet = Record<string, Option<unknown>>;
export type ConfigOf<S extends OptionSet> = { [K in keyof S]: S[K] extends Option<infer T> ? T : never };

export type Env = Record<string, string | undefined>;

export function loadConfig<S extends OptionSet>(options: S, env: Env = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, opt] of Object.entries(options)) {
    const raw = env[name];
    const isOptional = (opt as { optional?: boolean }).optional === true;
    if (raw === undefined || raw === '') {
      if (opt.defaultText !== undefined) {
        out[name] = opt.parse(opt.defaultText);
      } else if (isOptional) {
        out[name] = undefined;
      } else {
        problems.push(`${name}: is required (${opt.description})`);
      }
      continue;
    }
    try {
      out[name] = opt.parse(raw);
    } catch (err) {
      problems.push(`${name}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) {
    throw new LifeboatError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, {
      details: { variables: problems.map((p) => p.split(':')[0]) },
      hint: 'set the variables named above (see .env.example for every option and its default)',
    });
  }
  return out as ConfigOf<S>;
}

/** The `.env.example` lines for a set of options: description as a comment, then NAME=default. */
export function describeOptions(options: OptionSet): string {
  return Object.entries(options)
    .map(([name, opt]) => {
      const required = opt.defaultText === undefined && (opt as { optional?: boolean }).optional !== true;
      const note = required ? ' (required)' : '';
      return `# ${opt.description}${note}\n${required || opt.defaultText === undefined ? '# ' : ''}${name}=${opt.defaultText ?? ''}`;
    })
    .join('\n');
}

/** Names of options missing from an `.env.example` text (as NAME= or # NAME=). */
export function undocumentedOptions(options: OptionSet, envExample: string): string[] {
  return Object.keys(options).filter((name) => !new RegExp(`^(# )?${name}=`, 'm').test(envExample));
}
