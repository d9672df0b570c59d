/**
 * What a benchmark must undo however it ends — normally, on an error, on Ctrl-C or SIGTERM:
 * systems to stop, child processes to kill. Each step is registered when the thing it undoes
 * starts, and removed when that thing ends on its own; `cleanUp()` runs what remains, newest first.
 */
type Undo = () => unknown;

const pending: Undo[] = [];

/** Registers `undo`; the returned function removes it again (without running it). */
export function deferCleanup(undo: Undo): () => void {
  pending.push(undo);
  return () => {
    const at = pending.indexOf(undo);
    if (at >= 0) pending.splice(at, 1);
  };
}

/** Runs every registered step, newest first; a step that fails is reported and the rest still run. */
export async function cleanUp(): Promise<void> {
  while (pending.length > 0) {
    const undo = pending.pop()!;
    try {
      await undo();
    } catch (err) {
      console.error(`cleanup: ${(err as Error).message}`);
    }
  }
}

/**
 * On SIGINT or SIGTERM: clean up, then exit with 128 + the signal's number. A signal that comes
 * again while cleaning up (npm forwards the terminal's Ctrl-C, which the process also received)
 * does not cut the cleanup short.
 */
export function cleanUpOnSignals(): void {
  let exiting = false;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      if (exiting) return;
      exiting = true;
      console.error(`\n${signal}: stopping what the benchmark started ...`);
      void cleanUp().finally(() => process.exit(code));
    });
  }
}
