import { coveredSlot, DEFAULT_SCHEDULE_POLICY, FIRST_FETCH, nextDueAt } from '../core/fetching/schedule.ts';
import type { FirstFetch, SchedulePolicy, SourceSchedule } from '../core/fetching/schedule.ts';
import type { FetchRound, SourceToFetch } from './fetch-source.ts';

/** A catalog entry as the scheduler needs it. */
export interface ScheduledSource extends SourceToFetch {
  readonly intervalSeconds: number;
  readonly enabled: boolean;
}

export interface FetchSchedulerOptions {
  /** Runs one scheduled fetch of a source (fetchSource with the fetcher's dependencies). */
  readonly runFetch: (source: SourceToFetch, signal: AbortSignal) => Promise<FetchRound>;
  /** Fetches in flight across all hosts; the host gate adds a per-host limit below this. */
  readonly maxConcurrentFetches: number;
  readonly firstFetch?: FirstFetch;
  readonly policy?: SchedulePolicy;
  readonly now?: () => number;
  /** A round that threw (a bug or a dead event log): the scheduler keeps going, the caller decides. */
  readonly onRoundError?: (sourceId: string, error: unknown) => void;
  readonly onRound?: (sourceId: string, round: FetchRound) => void;
  /** A source left this instance (removed, disabled, or its partition moved): forget what it kept. */
  readonly onDropped?: (source: ScheduledSource) => void;
}

export interface FetchScheduler {
  /** Adds or updates a source owned through `partition`; a disabled entry is dropped. */
  upsert(source: ScheduledSource, partition: number): void;
  remove(sourceId: string): void;
  /**
   * Fetches a source now, outside its schedule (an operator's "fetch now"). The grid is left as
   * it is: this is one extra fetch, not a new phase. A source not known yet (its catalog record
   * is still on its way) is fetched when it arrives; one already fetching is left alone.
   */
  fetchNow(sourceId: string): void;
  /** Keeps only sources of these catalog partitions (the instance's new assignment). */
  retainPartitions(partitions: ReadonlySet<number>): void;
  /** Stops timers, aborts fetches in flight and waits for them to publish their last event. */
  stop(): Promise<void>;
  /** Owned sources with their next due time; for metrics, logs and tests. */
  snapshot(): readonly {
    readonly id: string;
    readonly partition: number;
    readonly dueAt: number;
    readonly running: boolean;
  }[];
  inFlight(): number;
}

interface Slot {
  source: ScheduledSource;
  /** A "fetch now" is waiting for this source: it runs off the schedule. */
  extra: boolean;
  partition: number;
  schedule: SourceSchedule;
  dueAt: number;
  running: boolean;
  queued: boolean;
  /** Set when the source left this instance while its fetch ran: nothing is rescheduled. */
  dropped: boolean;
}

/** "Fetch now" requests for sources not loaded yet; bounded so a flood of unknown ids cannot grow it. */
const MAX_PENDING_NOW = 1_000;

/** Timers are re-armed at least this often, so a suspended or skewed clock cannot strand a source. */
const MAX_TIMER_MS = 60_000;

/**
 * Fires each owned source at its slot (core/fetching/schedule.ts), at most one fetch per
 * source at a time and at most `maxConcurrentFetches` overall. A source's next slot is
 * computed when its fetch ends, from how it ended: failures stretch the gap, a Retry-After
 * pushes it out.
 */
export function createFetchScheduler({
  runFetch,
  maxConcurrentFetches,
  firstFetch = FIRST_FETCH.nextSlot,
  policy = DEFAULT_SCHEDULE_POLICY,
  now = Date.now,
  onRoundError,
  onRound,
  onDropped,
}: FetchSchedulerOptions): FetchScheduler {
  const slots = new Map<string, Slot>();
  const pendingNow = new Set<string>();
  const queue: Slot[] = [];
  const running = new Set<Promise<void>>();
  const shutdown = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const arm = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (stopped) return;
    let earliest = Infinity;
    for (const slot of slots.values())
      if (!slot.running && !slot.queued) earliest = Math.min(earliest, slot.dueAt);
    if (earliest === Infinity) return;
    timer = setTimeout(tick, Math.min(MAX_TIMER_MS, Math.max(0, earliest - now())));
    timer.unref?.();
  };

  const tick = (): void => {
    timer = undefined;
    const at = now();
    const due = [...slots.values()].filter((s) => !s.running && !s.queued && s.dueAt <= at);
    due.sort((a, b) => a.dueAt - b.dueAt);
    for (const slot of due) {
      slot.queued = true;
      queue.push(slot);
    }
    drain();
    arm();
  };

  const drain = (): void => {
    while (!stopped && running.size < maxConcurrentFetches && queue.length > 0) {
      const slot = queue.shift();
      if (slot === undefined || slot.dropped) continue;
      slot.queued = false;
      slot.running = true;
      const run = fire(slot).finally(() => {
        running.delete(run);
        drain();
        arm();
      });
      running.add(run);
    }
  };

  const fire = async (slot: Slot): Promise<void> => {
    const { source } = slot;
    const extra = slot.extra;
    slot.extra = false;
    const covered = coveredSlot(source.id, slot.schedule.intervalMs, slot.dueAt);
    let round: FetchRound | undefined;
    try {
      round = await runFetch(source, shutdown.signal);
      onRound?.(source.id, round);
    } catch (error) {
      onRoundError?.(source.id, error);
    }
    slot.running = false;
    // An extra fetch leaves the schedule alone, unless it showed the source wants to be left alone.
    if (slot.dropped || stopped) return;
    if (extra) {
      if (round?.notBefore !== undefined) {
        slot.schedule = { ...slot.schedule, notBefore: round.notBefore };
        slot.dueAt = Math.max(slot.dueAt, nextDueAt(slot.schedule, now(), { policy, firstFetch }));
      }
      return;
    }
    const succeeded = round?.succeeded === true;
    slot.schedule = {
      ...slot.schedule,
      lastSlot: covered,
      consecutiveFailures: succeeded ? 0 : slot.schedule.consecutiveFailures + 1,
      notBefore: round?.notBefore,
    };
    slot.dueAt = nextDueAt(slot.schedule, now(), { policy, firstFetch });
  };

  const drop = (slot: Slot): void => {
    slot.dropped = true;
    slots.delete(slot.source.id);
    const queued = queue.indexOf(slot);
    if (queued !== -1) queue.splice(queued, 1);
    onDropped?.(slot.source);
  };

  const fetchNow = (sourceId: string): void => {
    if (stopped) return;
    const slot = slots.get(sourceId);
    if (slot === undefined) {
      if (pendingNow.size < MAX_PENDING_NOW) pendingNow.add(sourceId);
      return;
    }
    if (slot.running || slot.queued) return;
    slot.extra = true;
    slot.queued = true;
    queue.unshift(slot);
    drain();
  };

  return {
    fetchNow,
    upsert(source, partition) {
      if (stopped) return;
      const existing = slots.get(source.id);
      if (!source.enabled) {
        if (existing !== undefined) drop(existing);
        arm();
        return;
      }
      const intervalMs = source.intervalSeconds * 1000;
      if (existing !== undefined) {
        const intervalChanged = existing.schedule.intervalMs !== intervalMs;
        existing.source = source;
        existing.partition = partition;
        if (intervalChanged) {
          existing.schedule = { ...existing.schedule, intervalMs };
          if (!existing.running) existing.dueAt = nextDueAt(existing.schedule, now(), { policy, firstFetch });
        }
        arm();
        return;
      }
      const schedule: SourceSchedule = {
        sourceId: source.id,
        intervalMs,
        lastSlot: undefined,
        consecutiveFailures: 0,
        notBefore: undefined,
      };
      slots.set(source.id, {
        source,
        partition,
        schedule,
        dueAt: nextDueAt(schedule, now(), { policy, firstFetch }),
        running: false,
        queued: false,
        dropped: false,
        extra: false,
      });
      if (pendingNow.delete(source.id)) fetchNow(source.id);
      arm();
    },
    remove(sourceId) {
      const slot = slots.get(sourceId);
      if (slot !== undefined) drop(slot);
      arm();
    },
    retainPartitions(partitions) {
      pendingNow.clear();
      for (const slot of [...slots.values()]) if (!partitions.has(slot.partition)) drop(slot);
      arm();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      queue.length = 0;
      shutdown.abort();
      await Promise.allSettled([...running]);
    },
    snapshot: () =>
      [...slots.values()].map((s) => ({
        id: s.source.id,
        partition: s.partition,
        dueAt: s.dueAt,
        running: s.running,
      })),
    inFlight: () => running.size,
  };
}
