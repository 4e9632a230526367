/**
 * Keeps track of every sing-box process group the prober started, so none outlives it: on
 * process exit (normal end, an uncaught exception, process.exit after a signal) every tracked
 * group is SIGKILLed synchronously. A SIGKILL of the prober itself cannot be caught; there the
 * `timeout` wrapper of each core ends it after its lifetime (see core-process.ts).
 */
export interface CoreReaper {
  /** Starts tracking a process group; call the returned function once it is gone. */
  track(pgid: number): () => void;
  /** Process groups still tracked. */
  live(): readonly number[];
  /** SIGKILLs every tracked group now (teardown, last resort). */
  killAll(): void;
  /** Stops listening for process exit (tests that make many reapers). */
  dispose(): void;
}

export function createCoreReaper({ onExit = true }: { readonly onExit?: boolean } = {}): CoreReaper {
  const groups = new Set<number>();
  const killAll = (): void => {
    for (const pgid of groups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  if (onExit) process.on('exit', killAll);
  return {
    track(pgid) {
      groups.add(pgid);
      return () => groups.delete(pgid);
    },
    live: () => [...groups],
    killAll,
    dispose: () => process.off('exit', killAll),
  };
}
