/** Typed errors: a code from the registry, a cause, and details that are safe to show and log. */
import { ERROR_CODES, type ErrorCode, isErrorCode } from './codes';

export type SafeDetails = Record<string, string | number | boolean | null | undefined | string[]>;

export interface LifeboatErrorOptions {
  cause?: unknown;
  details?: SafeDetails;
  /** Advice for the operator when the fix is known, shown after the message. */
  hint?: string;
}

export class LifeboatError extends Error {
  readonly code: ErrorCode;
  readonly details: SafeDetails;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: LifeboatErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LifeboatError';
    this.code = code;
    this.details = options.details ?? {};
    this.hint = options.hint;
  }

  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }

  /** Message with the hint, for people (CLI, logs). */
  describe(): string {
    return this.hint ? `${this.message}\nHINT: ${this.hint}` : this.message;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string; details: SafeDetails } {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details };
  }
}

export function isLifeboatError(err: unknown): err is LifeboatError {
  return err instanceof LifeboatError;
}

/** The code of any thrown value: its own code when it has a registered one, INTERNAL otherwise. */
export function errorCodeOf(err: unknown): ErrorCode {
  if (err instanceof LifeboatError) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  return isErrorCode(code) ? code : 'INTERNAL';
}

/** A one-line message for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
