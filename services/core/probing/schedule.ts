/**
 * When to probe each config again. Probing costs traffic and time, and most of a large set is
 * either stably working or stably dead, so the interval follows what the config did lately:
 *
 * - new (never probed from this vantage): at once, first in line;
 * - changed (its verdict just flipped) and flapping (flipped repeatedly lately): soon, to learn
 *   which state holds;
 * - healthy: less often the longer it has stayed healthy, up to a ceiling;
 * - failing: backing off the longer it has stayed dead, up to a longer ceiling;
 * - unsupported (the core cannot run it, the policy forbids it): at the longest interval.
 *
 * When a run's budget cannot cover every due config, classes go in that order, and within a
 * class the longest overdue first. Pure: the prober keeps the histories and the clock.
 */

export const VERDICTS = { pass: 'pass', fail: 'fail', unsupported: 'unsupported' } as const;
export type Verdict = (typeof VERDICTS)[keyof typeof VERDICTS];

export interface ProbeHistory {
  readonly lastProbedAt: number;
  readonly last: Verdict;
  /** Consecutive probes with the last verdict (>= 1). */
  readonly streak: number;
  /** Verdicts of the latest probes, oldest first, at most `policy.window` of them. */
  readonly recent: readonly Verdict[];
}

export const PROBE_CLASSES = {
  new: 'new',
  flapping: 'flapping',
  changed: 'changed',
  healthy: 'healthy',
  failing: 'failing',
  unsupported: 'unsupported',
} as const;
export type ProbeClass = (typeof PROBE_CLASSES)[keyof typeof PROBE_CLASSES];

/** Order in a run whose budget cannot take every due config (lower first). */
export const CLASS_RANK: Readonly<Record<ProbeClass, number>> = {
  new: 0,
  flapping: 1,
  changed: 1,
  healthy: 2,
  failing: 3,
  unsupported: 4,
};

export interface SchedulePolicy {
  readonly healthyBaseMs: number;
  readonly healthyMaxMs: number;
  readonly failingBaseMs: number;
  readonly failingMaxMs: number;
  readonly flappingMs: number;
  readonly unsupportedMs: number;
  /** How many recent verdicts flapping looks at. */
  readonly window: number;
  /** Verdict changes within the window that make a config flapping. */
  readonly flapChanges: number;
  /** Spread of intervals (0.1 = +-10%), so configs first seen together do not stay in lockstep. */
  readonly jitter: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_SCHEDULE_POLICY: SchedulePolicy = {
  healthyBaseMs: 30 * MINUTE,
  healthyMaxMs: 6 * HOUR,
  failingBaseMs: 15 * MINUTE,
  failingMaxMs: 12 * HOUR,
  flappingMs: 10 * MINUTE,
  unsupportedMs: 24 * HOUR,
  window: 8,
  flapChanges: 2,
  jitter: 0.1,
};

export function recordVerdict(
  history: ProbeHistory | undefined,
  verdict: Verdict,
  probedAt: number,
  policy: SchedulePolicy = DEFAULT_SCHEDULE_POLICY,
): ProbeHistory {
  const recent = [...(history?.recent ?? []), verdict].slice(-policy.window);
  const streak = history !== undefined && history.last === verdict ? history.streak + 1 : 1;
  return {
    lastProbedAt: Math.max(probedAt, history?.lastProbedAt ?? probedAt),
    last: verdict,
    streak,
    recent,
  };
}

export function changesIn(recent: readonly Verdict[]): number {
  let changes = 0;
  for (let i = 1; i < recent.length; i++) if (recent[i] !== recent[i - 1]) changes++;
  return changes;
}

export function classify(
  history: ProbeHistory | undefined,
  policy: SchedulePolicy = DEFAULT_SCHEDULE_POLICY,
): ProbeClass {
  if (history === undefined) return PROBE_CLASSES.new;
  if (history.last === VERDICTS.unsupported) return PROBE_CLASSES.unsupported;
  if (changesIn(history.recent) >= policy.flapChanges) return PROBE_CLASSES.flapping;
  if (history.streak === 1 && history.recent.length > 1) return PROBE_CLASSES.changed;
  return history.last === VERDICTS.pass ? PROBE_CLASSES.healthy : PROBE_CLASSES.failing;
}

/** The interval before the next probe, before jitter. */
export function baseInterval(
  history: ProbeHistory,
  policy: SchedulePolicy = DEFAULT_SCHEDULE_POLICY,
): number {
  switch (classify(history, policy)) {
    case PROBE_CLASSES.new:
      return 0;
    case PROBE_CLASSES.unsupported:
      return policy.unsupportedMs;
    case PROBE_CLASSES.flapping:
      return policy.flappingMs;
    case PROBE_CLASSES.changed:
      return Math.min(
        policy.flappingMs,
        history.last === VERDICTS.pass ? policy.healthyBaseMs : policy.failingBaseMs,
      );
    case PROBE_CLASSES.healthy:
      return backoff(policy.healthyBaseMs, policy.healthyMaxMs, history.streak);
    case PROBE_CLASSES.failing:
      return backoff(policy.failingBaseMs, policy.failingMaxMs, history.streak);
  }
}

function backoff(base: number, max: number, streak: number): number {
  return Math.min(max, base * 2 ** Math.min(30, Math.max(0, streak - 1)));
}

/** When the config is due again; 0 (always due) when it was never probed. */
export function nextDueAt(
  fingerprint: string,
  history: ProbeHistory | undefined,
  policy: SchedulePolicy = DEFAULT_SCHEDULE_POLICY,
): number {
  if (history === undefined) return 0;
  const interval = baseInterval(history, policy);
  const spread = (unitHash(`${fingerprint}\u0000${String(history.lastProbedAt)}`) * 2 - 1) * policy.jitter;
  return history.lastProbedAt + Math.round(interval * (1 + spread));
}

export interface ScheduleEntry {
  readonly fingerprint: string;
  readonly history: ProbeHistory | undefined;
}

export interface DueConfig {
  readonly fingerprint: string;
  readonly class: ProbeClass;
  readonly dueAt: number;
}

/** The configs due at `now`, in the order a run should probe them, at most `limit`. */
export function pickDue(
  entries: Iterable<ScheduleEntry>,
  now: number,
  limit: number,
  policy: SchedulePolicy = DEFAULT_SCHEDULE_POLICY,
): DueConfig[] {
  const due: DueConfig[] = [];
  for (const { fingerprint, history } of entries) {
    const dueAt = nextDueAt(fingerprint, history, policy);
    if (dueAt <= now) due.push({ fingerprint, class: classify(history, policy), dueAt });
  }
  due.sort(
    (a, b) =>
      CLASS_RANK[a.class] - CLASS_RANK[b.class] ||
      a.dueAt - b.dueAt ||
      (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0),
  );
  return due.slice(0, Math.max(0, limit));
}

/** The earliest time any entry becomes due (Infinity when there are none): how long a prober may sleep. */
export function earliestDue(
  entries: Iterable<ScheduleEntry>,
  policy: SchedulePolicy = DEFAULT_SCHEDULE_POLICY,
): number {
  let earliest = Infinity;
  for (const { fingerprint, history } of entries)
    earliest = Math.min(earliest, nextDueAt(fingerprint, history, policy));
  return earliest;
}

/** FNV-1a of the text mapped to [0, 1): a stable pseudo-random number per input. */
function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x1_0000_0000;
}
