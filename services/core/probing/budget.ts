/**
 * What one probe run may spend. A run takes due configs in schedule order and starts each only
 * when the budget allows: at most `maxConfigs` probes, at most `ratePerSecond` starts per second
 * (a token bucket with `burst`), and at most `maxBytes` of traffic. Traffic is only known once a
 * probe finished, so each start reserves `bytesPerProbeEstimate` until it settles with what it
 * really used; a run therefore overshoots the traffic budget by no more than its in-flight
 * reservations' error. Configs a run could not take stay due for the next run: running out of
 * budget is a deferral, never a failed probe.
 *
 * Concurrency (how many cheap checks and sing-box processes run at once) lives here too, so one
 * object describes a run; the shell enforces it with its worker pools.
 */
export interface RunBudget {
  readonly maxConfigs: number;
  readonly maxBytes: number;
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly bytesPerProbeEstimate: number;
  /** Cheap-stage checks in flight at once. */
  readonly cheapConcurrency: number;
  /** sing-box processes running at once. */
  readonly coreProcesses: number;
  /** Configs (outbounds) per sing-box process. */
  readonly coreBatchSize: number;
  /** Requests in flight at once through one sing-box process. */
  readonly requestsPerCore: number;
}

export const DEFAULT_RUN_BUDGET: RunBudget = {
  maxConfigs: 5_000,
  maxBytes: 64 * 1024 * 1024,
  ratePerSecond: 200,
  burst: 50,
  bytesPerProbeEstimate: 16 * 1024,
  cheapConcurrency: 64,
  coreProcesses: 2,
  coreBatchSize: 100,
  requestsPerCore: 32,
};

export interface BudgetState {
  readonly started: number;
  readonly bytes: number;
  readonly reserved: number;
  readonly tokens: number;
  readonly refilledAt: number;
}

export const BUDGET_LIMITS = { configs: 'configs', traffic: 'traffic' } as const;
export type BudgetLimit = (typeof BUDGET_LIMITS)[keyof typeof BUDGET_LIMITS];

export type BudgetDecision =
  | { readonly kind: 'go' }
  /** The rate limit: try again after this long. */
  | { readonly kind: 'wait'; readonly ms: number }
  /** Nothing more this run. */
  | { readonly kind: 'exhausted'; readonly limit: BudgetLimit };

export function startBudget(budget: RunBudget, now: number): BudgetState {
  return { started: 0, bytes: 0, reserved: 0, tokens: Math.max(1, budget.burst), refilledAt: now };
}

function refill(state: BudgetState, budget: RunBudget, now: number): BudgetState {
  const elapsed = Math.max(0, now - state.refilledAt);
  const tokens = Math.min(Math.max(1, budget.burst), state.tokens + (elapsed * budget.ratePerSecond) / 1000);
  return { ...state, tokens, refilledAt: Math.max(now, state.refilledAt) };
}

/** Whether one more probe may start now; on `go` the returned state has it counted and reserved. */
export function takeProbe(
  state: BudgetState,
  budget: RunBudget,
  now: number,
): { readonly state: BudgetState; readonly decision: BudgetDecision } {
  if (state.started >= budget.maxConfigs)
    return { state, decision: { kind: 'exhausted', limit: BUDGET_LIMITS.configs } };
  if (state.bytes + state.reserved + budget.bytesPerProbeEstimate > budget.maxBytes) {
    return { state, decision: { kind: 'exhausted', limit: BUDGET_LIMITS.traffic } };
  }
  const filled = refill(state, budget, now);
  if (filled.tokens < 1) {
    const ms = Math.ceil(((1 - filled.tokens) * 1000) / budget.ratePerSecond);
    return { state: filled, decision: { kind: 'wait', ms: Math.max(1, ms) } };
  }
  return {
    state: {
      ...filled,
      tokens: filled.tokens - 1,
      started: filled.started + 1,
      reserved: filled.reserved + budget.bytesPerProbeEstimate,
    },
    decision: { kind: 'go' },
  };
}

/** A started probe finished having moved `bytes`: its reservation becomes the real figure. */
export function settleProbe(state: BudgetState, budget: RunBudget, bytes: number): BudgetState {
  return {
    ...state,
    reserved: Math.max(0, state.reserved - budget.bytesPerProbeEstimate),
    bytes: state.bytes + Math.max(0, bytes),
  };
}
