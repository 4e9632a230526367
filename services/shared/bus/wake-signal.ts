/** Lets idle consumers sleep until something they might want happens (an append, a rebalance, a stop). */
export interface WakeSignal {
  /** Resolves at the next notify(). */
  wait(): Promise<void>;
  notify(): void;
}

export function createWakeSignal(): WakeSignal {
  let wake: (() => void) | null = null;
  let pending: Promise<void> | null = null;
  return {
    wait() {
      pending ??= new Promise<void>((resolve) => {
        wake = resolve;
      });
      return pending;
    },
    notify() {
      const resolve = wake;
      wake = null;
      pending = null;
      resolve?.();
    },
  };
}
