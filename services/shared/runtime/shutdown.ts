import type { Logger } from '../logger.ts';

export interface Stoppable {
  stop(): Promise<void>;
}

export interface ShutdownOptions {
  readonly logger: Logger;
  readonly signals?: readonly NodeJS.Signals[];
  /** After this long the process exits anyway (a stuck broker must not block a rollout). */
  readonly timeoutMs?: number;
  /** Injected for tests; entry points leave the default. */
  readonly exit?: (code: number) => void;
}

/**
 * Entry points call this once: on SIGTERM or SIGINT every stoppable is stopped (run loops
 * finish their transaction in flight and leave their groups), then the process exits 0. A
 * second signal or the timeout exits 1 at once. Returns a function that removes the handlers.
 */
export function stopOnSignals(
  stoppables: readonly Stoppable[],
  {
    logger,
    signals = ['SIGTERM', 'SIGINT'],
    timeoutMs = 30_000,
    exit = (code) => process.exit(code),
  }: ShutdownOptions,
): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out, exiting');
      exit(1);
    }, timeoutMs);
    timer.unref();
    Promise.allSettled(stoppables.map((s) => s.stop()))
      .then((results) => {
        clearTimeout(timer);
        const failed = results.filter((r) => r.status === 'rejected');
        for (const f of failed) logger.error({ err: f.reason }, 'stopping failed');
        exit(failed.length === 0 ? 0 : 1);
      })
      .catch(() => exit(1));
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
