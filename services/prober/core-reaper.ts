import { rmSync } from 'node:fs';

/**
 * Keeps track of every sing-box process group the prober started, so none outlives it: on
 * process exit (normal end, an uncaught exception, process.exit after a signal) every tracked
 * group is SIGKILLed synchronously. A SIGKILL of the prober itself cannot be caught; there the
 * `timeout` wrapper of each core ends it after its lifetime (see core-process.ts).
 */
export interface CoreReaper {
  /** Starts tracking a process group and its temp dir; call the returned function once it is gone. */
  track(pgid: number, dir?: string): () => void;
  /** Process groups still tracked. */
  live(): readonly number[];
  /** SIGKILLs every tracked group now (teardown, last resort). */
  killAll(): void;
  /** Stops listening for process exit (tests that make many reapers). */
  dispose(): void;
}

export function createCoreReaper({ onExit = true }: { readonly onExit?: boolean } = {}): CoreReaper {
  const groups = new Map<number, string | undefined>();
  const killAll = (): void => {
    for (const [pgid, dir] of groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      // Synchronous: on process exit nothing asynchronous runs any more.
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  };
  if (onExit) process.on('exit', killAll);
  return {
    track(pgid, dir) {
      groups.set(pgid, dir);
      return () => groups.delete(pgid);
    },
    live: () => [...groups.keys()],
    killAll,
    dispose: () => process.off('exit', killAll),
  };
}
