import type { SourceCatalogEntry, SourceHealth } from '../../generated/events.ts';

/** What the lookback reads from the state once the catalog and health are materialized. */
export interface LookbackSource {
  /** Every source id known so far (catalog and health before any snapshot is read). */
  sourceIds(): readonly string[];
  health(sourceId: string): SourceHealth | undefined;
  sources(): ReadonlyMap<string, SourceCatalogEntry>;
}

export interface SnapshotLookback {
  /** Sources that must have a latest snapshot: fetched at least once, or enabled and never judged. */
  readonly expected: ReadonlySet<string>;
  /** Epoch ms: records appended since then hold every expected source's latest snapshot, normally. */
  readonly since: number;
}

/** Producers' clocks and the parser's delay after a fetch: a snapshot's record may predate its health. */
export const SNAPSHOT_LOOKBACK_SLACK_MS = 10 * 60_000;
/** The shortest first window, when health says every source was fetched a moment ago. */
export const SNAPSHOT_FIRST_WINDOW_MS = 60 * 60_000;
/** How much wider each further window is than the one before. */
export const SNAPSHOT_WINDOW_GROWTH = 8;

/**
 * Where to start reading sources.snapshots.v1 (one event per fetch, kept 30 days) when only the
 * latest event per source is wanted. Health records each source's last fetch, so the oldest of
 * those (minus slack) is where the latest snapshot of every fetched source lies within. A
 * source without health but enabled in the catalog is expected too; one that is never found
 * makes the reader widen its window up to the start of the topic, which is the old cost.
 */
export function snapshotLookback(state: LookbackSource, now: number): SnapshotLookback {
  const expected = new Set<string>();
  let since = now - SNAPSHOT_FIRST_WINDOW_MS;
  for (const id of state.sourceIds()) {
    const health = state.health(id);
    if (health === undefined) {
      if (state.sources().get(id)?.enabled === true) expected.add(id);
      continue;
    }
    if (health.lastFetchAt === null) continue;
    expected.add(id);
    since = Math.min(since, health.lastFetchAt - SNAPSHOT_LOOKBACK_SLACK_MS);
  }
  return { expected, since };
}

/** The next, older window's start; 0 once the window covers the whole topic. */
export function widerLookback(since: number, now: number): number {
  const next = now - (now - since) * SNAPSHOT_WINDOW_GROWTH;
  return next <= 0 ? 0 : next;
}
