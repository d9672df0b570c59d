/**
 * Option kinds for environment configuration. Each option knows how to parse its variable, its
 * default (or that it is required) and a description: the same definitions validate the
 * environment and document it in `.env.example`.
 */
import { Secret } from './secret';

export interface Option<T> {
  readonly description: string;
  /** The default as written in `.env.example`; undefined means required. */
  readonly defaultText?: string;
  readonly secret: boolean;
  /** Parses the raw text; throws an Error whose message says what is wrong (never echoing secrets). */
  parse(raw: string): T;
}

interface Base<T> {
  description: string;
  default?: T;
}

function option<T>(spec: Base<T>, parse: (raw: string) => T, format: (v: T) => string, secret = false): Option<T> {
  return {
    description: spec.description,
    defaultText: spec.default === undefined ? undefined : format(spec.default),
    secret,
    parse,
  };
}

export function str(spec: Base<string> & { pattern?: RegExp; allowEmpty?: boolean }): Option<string> {
  return option(
    spec,
    (raw) => {
      if (!spec.allowEmpty && raw.trim() === '') throw new Error('must not be empty');
      if (spec.pattern && !spec.pattern.test(raw)) throw new Error(`must match ${spec.pattern}`);
      return raw;
    },
    (v) => v,
  );
}

export function url(spec: Base<string> & { protocols: string[] }): Option<string> {
  return option(
    spec,
    (raw) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        throw new Error(`must be a URL (${spec.protocols.join(' or ')})`);
      }
      if (!spec.protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        throw new Error(`must use ${spec.protocols.join(' or ')}, got ${parsed.protocol}`);
      }
      return raw;
    },
    (v) => v,
  );
}

export function int(spec: Base<number> & { min?: number; max?: number }): Option<number> {
  return option(
    spec,
    (raw) => {
      if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be an integer, got "${raw}"`);
      const n = Number(raw);
      if (spec.min !== undefined && n < spec.min) throw new Error(`must be at least ${spec.min}, got ${n}`);
      if (spec.max !== undefined && n > spec.max) throw new Error(`must be at most ${spec.max}, got ${n}`);
      return n;
    },
    String,
  );
}

export function port(spec: Base<number>): Option<number> {
  return int({ ...spec, min: 0, max: 65535 });
}

export function bool(spec: Base<boolean>): Option<boolean> {
  return option(
    spec,
    (raw) => {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new Error(`must be true or false, got "${raw}"`);
    },
    String,
  );
}

export function oneOf<const V extends string>(spec: Base<V> & { values: readonly V[] }): Option<V> {
  return option(
    spec,
    (raw) => {
      if (!(spec.values as readonly string[]).includes(raw)) throw new Error(`must be one of ${spec.values.join(', ')}, got "${raw}"`);
      return raw as V;
    },
    (v) => v,
  );
}

export function list(spec: Base<string[]>): Option<string[]> {
  return option(
    spec,
    (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    (v) => v.join(','),
  );
}

/** A secret: never printed. `minLength` guards against placeholder values. */
export function secret(spec: { description: string; minLength?: number; default?: string }): Option<Secret> {
  return {
    description: spec.description,
    defaultText: spec.default,
    secret: true,
    parse(raw: string): Secret {
      const min = spec.minLength ?? 1;
      if (raw.length < min) throw new Error(`must be at least ${min} characters long`);
      return new Secret(raw);
    },
  };
}

/** Marks an option as optional: absent means undefined, not an error. */
export function optional<T>(opt: Option<T>): Option<T | undefined> & { optional: true } {
  return { ...opt, optional: true };
}
