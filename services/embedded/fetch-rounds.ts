/**
 * Fetch rounds as the embedded mode reports them. Sources are fetched on their own grid slots
 * (core/fetching/schedule.ts), so there is no global round to observe; a round here is what a
 * person watching the terminal wants summed up: it opens with the first fetch after a quiet
 * spell and closes, once nothing is in flight, when every owned source has been fetched in it
 * (the first start, which fetches everything at once) or when the shortest catalog interval
 * has passed since it opened (steady state: about one line per interval).
 */
export interface RoundSummary {
  readonly number: number;
  /** Sources owned when the round closed. */
  readonly sources: number;
  /** Distinct sources whose last fetch in the round succeeded (ok or not-modified). */
  readonly succeeded: number;
  /** Distinct sources whose last fetch in the round failed. */
  readonly failed: number;
  readonly startedAt: number;
  /** When the last fetch of the round ended. */
  readonly endedAt: number;
}

export interface RoundTracker {
  started(sourceId: string): void;
  finished(sourceId: string, succeeded: boolean): void;
  /** The round, if it is over now; a closed round is returned once. */
  poll(ownedSources: number): RoundSummary | null;
}

export function createRoundTracker({
  windowMs,
  now = Date.now,
}: {
  /** The shortest fetch interval of the catalog. */
  readonly windowMs: number;
  readonly now?: () => number;
}): RoundTracker {
  let number = 0;
  let open: { startedAt: number; endedAt: number; outcomes: Map<string, boolean> } | null = null;
  let inFlight = 0;

  return {
    started() {
      inFlight += 1;
      if (open === null) {
        const at = now();
        open = { startedAt: at, endedAt: at, outcomes: new Map() };
      }
    },
    finished(sourceId, succeeded) {
      inFlight = Math.max(0, inFlight - 1);
      if (open === null) return;
      open.outcomes.set(sourceId, succeeded);
      open.endedAt = now();
    },
    poll(ownedSources) {
      if (open === null || inFlight > 0 || open.outcomes.size === 0) return null;
      const everySource = open.outcomes.size >= ownedSources;
      const windowOver = now() - open.startedAt >= windowMs;
      if (!everySource && !windowOver) return null;
      number += 1;
      let succeeded = 0;
      for (const ok of open.outcomes.values()) if (ok) succeeded += 1;
      const summary: RoundSummary = {
        number,
        sources: ownedSources,
        succeeded,
        failed: open.outcomes.size - succeeded,
        startedAt: open.startedAt,
        endedAt: open.endedAt,
      };
      open = null;
      return summary;
    },
  };
}

/** `fetch round 3: 502 sources, 480 ok, 22 failed; 23,456 configs; 41.2 s` */
export function roundLine(round: RoundSummary, configs: number): string {
  const seconds = ((round.endedAt - round.startedAt) / 1000).toFixed(1);
  return (
    `fetch round ${round.number}: ${round.sources} sources, ${round.succeeded} ok, ${round.failed} failed; ` +
    `${configs.toLocaleString('en-US')} configs; ${seconds} s`
  );
}
