/** How long to wait before trying a copy again after `attempts` failures: doubling, capped, with jitter. */
export function retryDelayMs(attempts: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, 1000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
