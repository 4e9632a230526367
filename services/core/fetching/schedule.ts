/**
 * When each source is fetched. Due times lie on a fixed grid per source: slot k of a source
 * with interval I is at k·I + phase(id), counted from the epoch, where the phase is a hash of
 * the id. Two consequences carry the "no source is fetched twice per interval" guarantee:
 * whichever instance owns a source computes the same slots (after a restart or a rebalance the
 * new owner waits for the next slot instead of fetching again), and the phases spread hundreds
 * of sources evenly over the interval instead of firing them together.
 */

export interface SchedulePolicy {
  /**
   * After this many failed fetches in a row, a source is fetched less often: every 2nd slot,
   * then every 4th, ... up to `maxSlotSkip` slots apart. A dead source then costs little,
   * and a recovered one is back to normal after one success.
   */
  readonly failuresBeforeBackoff: number;
  readonly maxSlotSkip: number;
  /** Never further apart than this, whatever the backoff says (a day by default). */
  readonly maxBackoffMs: number;
}

export const DEFAULT_SCHEDULE_POLICY: SchedulePolicy = {
  failuresBeforeBackoff: 3,
  maxSlotSkip: 8,
  maxBackoffMs: 24 * 60 * 60 * 1000,
};

export interface SourceSchedule {
  readonly sourceId: string;
  readonly intervalMs: number;
  /** The slot of the last fetch this instance started; undefined when it has not fetched the source yet. */
  readonly lastSlot: number | undefined;
  /** Scheduled fetches in a row that ended without ok / not-modified. */
  readonly consecutiveFailures: number;
  /** A Retry-After the source (or its host) gave: not before this epoch ms. */
  readonly notBefore: number | undefined;
}

/** FNV-1a, 32 bit: stable across processes and versions, which is all the phase needs. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function phaseMs(sourceId: string, intervalMs: number): number {
  return stableHash(sourceId) % intervalMs;
}

/** The first slot of the source at or after `t`. */
export function slotAtOrAfter(sourceId: string, intervalMs: number, t: number): number {
  const phase = phaseMs(sourceId, intervalMs);
  const k = Math.ceil((t - phase) / intervalMs);
  return k * intervalMs + phase;
}

/** How many intervals the next fetch lies after the last one, given the failures so far. */
export function slotStride(consecutiveFailures: number, intervalMs: number, policy: SchedulePolicy): number {
  const over = consecutiveFailures - policy.failuresBeforeBackoff;
  if (over < 0) return 1;
  const stride = Math.min(policy.maxSlotSkip, 2 ** Math.min(over + 1, 30));
  const byTime = Math.max(1, Math.floor(policy.maxBackoffMs / intervalMs));
  return Math.max(1, Math.min(stride, byTime));
}

export const FIRST_FETCH = {
  /** Wait for the source's next slot: safe across restarts and rebalances (the default). */
  nextSlot: 'next-slot',
  /** Fetch a source as soon as this instance owns it: for a first start with an empty log. */
  immediately: 'immediately',
} as const;
export type FirstFetch = (typeof FIRST_FETCH)[keyof typeof FIRST_FETCH];

/** When the source is due next, as seen at `now`. Never in the past, never earlier than a Retry-After. */
export function nextDueAt(
  schedule: SourceSchedule,
  now: number,
  {
    policy = DEFAULT_SCHEDULE_POLICY,
    firstFetch = FIRST_FETCH.nextSlot,
  }: { policy?: SchedulePolicy; firstFetch?: FirstFetch } = {},
): number {
  const { sourceId, intervalMs, lastSlot, consecutiveFailures, notBefore } = schedule;
  let earliest: number;
  if (lastSlot === undefined) {
    // Strictly after now: the previous owner may be firing the slot at exactly this instant.
    earliest = firstFetch === FIRST_FETCH.immediately ? now : slotAtOrAfter(sourceId, intervalMs, now + 1);
  } else {
    // A slot missed while busy is skipped, not made up: making it up would fetch twice within an interval.
    const stride = slotStride(consecutiveFailures, intervalMs, policy);
    earliest = slotAtOrAfter(sourceId, intervalMs, Math.max(now, lastSlot + (stride - 1) * intervalMs + 1));
  }
  if (notBefore !== undefined && notBefore > earliest) {
    earliest =
      lastSlot === undefined && firstFetch === FIRST_FETCH.immediately
        ? notBefore
        : slotAtOrAfter(sourceId, intervalMs, notBefore);
  }
  return earliest;
}

/**
 * The slot a fetch that was due at `dueAt` stands for, to be remembered as `lastSlot`. A fetch
 * due on the grid stands for its own slot; an off-grid one (a first fetch made immediately)
 * stands for the next slot, so the one after it is at least a whole interval later.
 */
export function coveredSlot(sourceId: string, intervalMs: number, dueAt: number): number {
  return slotAtOrAfter(sourceId, intervalMs, dueAt);
}
