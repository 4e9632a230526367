/**
 * Per-host politeness as plain state transitions: at most `maxConcurrent` requests in flight to
 * one host, and starts spaced by at least `minDelayMs`. A host that answered 429/503 with
 * Retry-After is left alone until then: that header speaks for the host, so every source on it
 * waits, not only the one that was told.
 */
export interface PolitenessLimits {
  readonly maxConcurrent: number;
  readonly minDelayMs: number;
}

export interface HostState {
  readonly inFlight: number;
  /** No request starts before this epoch ms. */
  readonly nextStartAt: number;
}

export const IDLE_HOST: HostState = { inFlight: 0, nextStartAt: 0 };

/** The host part that politeness is about: one server, whatever the path. */
export function hostKey(url: string): string {
  // An unparsable URL fails in the fetch itself and is recorded there; here it is just a key.
  return URL.canParse(url) ? new URL(url).host.toLowerCase() : url;
}

export type StartDecision =
  | { readonly start: true }
  /** Full: wait for a release. */
  | { readonly start: false; readonly waitForRelease: true }
  | { readonly start: false; readonly waitForRelease: false; readonly waitMs: number };

export function mayStart(state: HostState, now: number, limits: PolitenessLimits): StartDecision {
  if (state.inFlight >= limits.maxConcurrent) return { start: false, waitForRelease: true };
  if (now < state.nextStartAt)
    return { start: false, waitForRelease: false, waitMs: state.nextStartAt - now };
  return { start: true };
}

export function started(state: HostState, now: number, limits: PolitenessLimits): HostState {
  return { inFlight: state.inFlight + 1, nextStartAt: Math.max(state.nextStartAt, now + limits.minDelayMs) };
}

/** `deferUntil`: the host's Retry-After, already capped by the caller. */
export function finished(state: HostState, deferUntil?: number): HostState {
  return {
    inFlight: Math.max(0, state.inFlight - 1),
    nextStartAt: deferUntil === undefined ? state.nextStartAt : Math.max(state.nextStartAt, deferUntil),
  };
}

/** An idle host's state carries nothing the default does not, once its delay has passed. */
export function isIdle(state: HostState, now: number): boolean {
  return state.inFlight === 0 && state.nextStartAt <= now;
}
