import { setTimeout as sleep } from 'node:timers/promises';
import { finished, IDLE_HOST, isIdle, mayStart, started } from '../core/fetching/politeness.ts';
import type { HostState, PolitenessLimits } from '../core/fetching/politeness.ts';

/** Gives back a host slot; `deferUntil` (epoch ms) keeps the host closed until then (Retry-After). */
export type ReleaseHost = (deferUntil?: number) => void;

export interface HostGate {
  /** Waits until the host may be contacted; rejects with the signal's reason when aborted. */
  acquire(host: string, signal?: AbortSignal): Promise<ReleaseHost>;
  /** Hosts with state (in flight, or a delay still running); for metrics and tests. */
  size(): number;
}

/** The waiting side of the pure politeness rules in core/fetching/politeness.ts. */
export function createHostGate(limits: PolitenessLimits, now: () => number = Date.now): HostGate {
  const hosts = new Map<string, HostState>();
  const waiters = new Map<string, Set<() => void>>();

  const wake = (host: string): void => {
    const set = waiters.get(host);
    if (set === undefined) return;
    waiters.delete(host);
    for (const resolve of set) resolve();
  };

  const waitForRelease = (host: string, signal: AbortSignal | undefined): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const set = waiters.get(host) ?? new Set<() => void>();
      waiters.set(host, set);
      const onAbort = (): void => {
        set.delete(done);
        reject(signal?.reason as Error);
      };
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      set.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  return {
    async acquire(host, signal) {
      for (;;) {
        signal?.throwIfAborted();
        const state = hosts.get(host) ?? IDLE_HOST;
        const decision = mayStart(state, now(), limits);
        if (decision.start) {
          hosts.set(host, started(state, now(), limits));
          let released = false;
          return (deferUntil?: number) => {
            if (released) return;
            released = true;
            const next = finished(hosts.get(host) ?? IDLE_HOST, deferUntil);
            if (isIdle(next, now())) hosts.delete(host);
            else hosts.set(host, next);
            wake(host);
          };
        }
        if (decision.waitForRelease) await waitForRelease(host, signal);
        else await sleep(decision.waitMs, undefined, signal === undefined ? {} : { signal });
      }
    },
    size: () => hosts.size,
  };
}
