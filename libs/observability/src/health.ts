/**
 * Readiness checks. Liveness says the process's event loop answers; readiness says every
 * dependency it needs (database, NATS, ...) answers now. Each check has a time limit so a hung
 * dependency reads as down rather than hanging the probe.
 */
export type HealthCheck = () => Promise<void>;

export interface CheckResult {
  ok: boolean;
  error?: string;
  ms: number;
}

export interface Readiness {
  ok: boolean;
  checks: Record<string, CheckResult>;
}

export class HealthChecks {
  readonly #checks = new Map<string, HealthCheck>();

  constructor(private readonly timeoutMs = 2000) {}

  add(name: string, check: HealthCheck): this {
    this.#checks.set(name, check);
    return this;
  }

  async ready(): Promise<Readiness> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, check]) => [name, await this.#run(check)] as const),
    );
    const checks = Object.fromEntries(entries);
    return { ok: entries.every(([, r]) => r.ok), checks };
  }

  async #run(check: HealthCheck): Promise<CheckResult> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return { ok: true, ms: Date.now() - started };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err), ms: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }
}
