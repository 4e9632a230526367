import type { SourceSnapshot } from '../../generated/events.ts';

/** What the detector remembers of one fetch of a source: the point its baselines are made of. */
export interface Observation {
  readonly at: number;
  readonly snapshotId: string;
  /** eventId of the fetch, to attach its latency when the fetch event is read after the snapshot. */
  readonly fetchEventId: string;
  readonly outcome: string;
  /** The fetch itself worked (ok or 304), whatever the body was. */
  readonly fetchOk: boolean;
  readonly container: string | null;
  /** A usable subscription: fetched fine, a subscription format, at least one config. */
  readonly subscription: boolean;
  readonly configs: number;
  readonly bytes: number;
  /** Diagnostics / (configs + diagnostics); null when nothing was parsed. */
  readonly diagnosticRate: number | null;
  /** Prefix of the body's SHA-256, for content changes and alternation. */
  readonly bodySha: string | null;
  readonly fetchMs: number | null;
  /** Statistics of the source's configs in the scored table at the time; null on replays of old snapshots. */
  readonly table: TableSample | null;
}

export interface TableSample {
  readonly carried: number;
  readonly probed: number;
  readonly working: number;
  readonly exclusive: number;
  readonly exclusiveWorking: number;
  /** Share of its configs other sources also carry. */
  readonly duplicateRatio: number | null;
  /** working / probed. */
  readonly workingShare: number | null;
  readonly topNetwork: string | null;
  readonly topNetworkShare: number | null;
  /** The source with the most similar config set. */
  readonly closest: {
    readonly sourceId: string;
    readonly jaccard: number;
    readonly otherCarried: number;
  } | null;
}

/** Containers that are not a subscription, whatever the HTTP status said. */
const NOT_SUBSCRIPTION = new Set(['html', 'empty', 'unknown']);
const FETCH_OK = new Set(['ok', 'not-modified']);

export function observationOf(
  snapshot: SourceSnapshot,
  fetchMs: number | null,
  table: TableSample | null,
): Observation {
  const fetchOk = FETCH_OK.has(snapshot.outcome);
  const container = snapshot.container;
  const diagnostics = Object.values(snapshot.diagnostics).reduce((s, n) => s + n, 0);
  const parsed = snapshot.configs + diagnostics;
  return {
    at: snapshot.fetchedAt,
    snapshotId: snapshot.metadata.eventId,
    fetchEventId: snapshot.fetchEventId,
    outcome: snapshot.outcome,
    fetchOk,
    container,
    subscription:
      fetchOk && container !== null && !NOT_SUBSCRIPTION.has(container) && snapshot.uniqueConfigs > 0,
    configs: snapshot.uniqueConfigs,
    bytes: snapshot.bytes,
    diagnosticRate: container === null || parsed === 0 ? null : diagnostics / parsed,
    bodySha: snapshot.bodySha256 === null ? null : snapshot.bodySha256.slice(0, 16),
    fetchMs,
    table,
  };
}

/** Up = a usable subscription (or a 304 confirming one). */
export const isUp = (o: Observation): boolean => o.subscription;
