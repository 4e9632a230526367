import type { EventMetadata, SourceAnomaly, SourceHealth, SourceSnapshot } from '../../generated/events.ts';
import { derivedMetadata } from '../../shared/events/event-metadata.ts';
import type { SourceTableView } from '../health/config-membership.ts';
import { nextDemotion } from '../health/demotion.ts';
import { DEFAULT_RELIABILITY_MODEL, reliabilityOf } from '../health/reliability.ts';
import type { ReliabilityModel } from '../health/reliability.ts';
import { sourceStatus } from '../health/source-status.ts';
import { dlq, drop, ok } from '../processing/outcome.ts';
import type { ProcessContext, Processor } from '../processing/processor.ts';
import type { InputRecord, OutputRecord } from '../processing/record.ts';
import { DETECTOR_STORE, INTEL_KINDS, intelProcessorName } from '../scoring/intel-topics.ts';
import type { IntelTopics } from '../scoring/intel-topics.ts';
import { ANOMALY_KINDS, severityRank } from './anomaly-kinds.ts';
import type { AnomalyKind } from './anomaly-kinds.ts';
import { runDetectors } from './detect.ts';
import { EMPTY_DETECTOR_ENTRY, readDetectorEntry } from './detector-entry.ts';
import type { DetectorEntry } from './detector-entry.ts';
import { isFetchFacts, isSourceSnapshot } from './detector-inputs.ts';
import { advanceAnomalies } from './lifecycle.ts';
import type { AnomalyChange } from './lifecycle.ts';
import { isUp, observationOf } from './observation.ts';
import type { TableSample } from './observation.ts';
import { median } from './robust-stats.ts';
import { DEFAULT_THRESHOLDS } from './thresholds.ts';
import type { DetectorThresholds } from './thresholds.ts';

export const DETECTOR_DLQ_CODES = {
  invalidEvent: 'INVALID_DETECTOR_INPUT',
  keyMismatch: 'KEY_MISMATCH',
  invalidState: 'INVALID_DETECTOR_STATE',
} as const;

export const DETECTOR_DROP_REASONS = {
  tombstone: 'tombstone',
  duplicate: 'duplicate-snapshot',
  unknownTopic: 'unknown-topic',
} as const;

export const DETECTOR_PRODUCER = 'anomaly';

const FETCH_OK = new Set(['ok', 'not-modified']);
const PENDING_LATENCIES = 16;
const HOUR = 3_600_000;

export interface DetectorOptions {
  readonly topics: Pick<IntelTopics, 'prefix' | 'version' | 'snapshots' | 'fetched' | 'health' | 'anomalies'>;
  /**
   * Per-source statistics of the scored configs (a side table: configs.scored.v1 is keyed by
   * fingerprint, so the shell folds all of it into per-source counts).
   */
  readonly table: SourceTableView;
  readonly thresholds?: DetectorThresholds;
  readonly reliability?: ReliabilityModel;
  /**
   * Snapshots older than this (against the run loop's clock) are history being replayed: the
   * table describes now, not then, so it is not sampled for them.
   */
  readonly liveWindowMs?: number;
}

/**
 * sources.snapshots.v1 + sources.fetched.v1 -> sources.anomalies.v1 + sources.health.v1
 * (compacted), key = source id.
 *
 * State per source: a sliding window of observations (one per fetch: counts, format, size,
 * diagnostics, fetch latency, and statistics of its configs in the scored table), the open
 * anomalies, and its health (fetch streaks, demotion). Each snapshot is judged against the
 * source's own past by every detector, opens, escalates or resolves anomalies, and publishes
 * the source's health with its reliability. Fetch events only contribute their latency.
 */
export function createDetector(options: DetectorOptions): Processor {
  const {
    topics,
    table,
    thresholds = DEFAULT_THRESHOLDS,
    reliability: model = DEFAULT_RELIABILITY_MODEL,
    liveWindowMs = 6 * HOUR,
  } = options;
  const name = intelProcessorName(INTEL_KINDS.anomaly, topics);

  const onFetched = (
    sourceId: string,
    eventId: string,
    outcome: string,
    totalMs: number,
    entry: DetectorEntry,
  ) => {
    if (!FETCH_OK.has(outcome)) return ok([]);
    const at = entry.window.findIndex((o) => o.fetchEventId === eventId);
    let next: DetectorEntry;
    if (at >= 0) {
      const held = entry.window[at];
      if (held === undefined || held.fetchMs !== null) return ok([]);
      const window = [...entry.window];
      window[at] = { ...held, fetchMs: totalMs };
      next = { ...entry, window };
    } else {
      const pending = entry.pendingLatency.filter(([id]) => id !== eventId);
      next = {
        ...entry,
        pendingLatency: [...pending, [eventId, totalMs] as const].slice(-PENDING_LATENCIES),
      };
    }
    return ok([], [{ store: DETECTOR_STORE, key: sourceId, value: next }]);
  };

  const onSnapshot = (snapshot: SourceSnapshot, entry: DetectorEntry, now: number) => {
    const sourceId = snapshot.sourceId;
    if (entry.window.some((o) => o.snapshotId === snapshot.metadata.eventId)) {
      return drop(DETECTOR_DROP_REASONS.duplicate);
    }
    const latency = entry.pendingLatency.find(([id]) => id === snapshot.fetchEventId);
    const live = snapshot.fetchedAt >= now - liveWindowMs;
    const sample = live ? sampleTable(table, sourceId) : null;
    const obs = observationOf(snapshot, latency?.[1] ?? null, sample);
    const at = obs.at;

    const consecutiveFailures = obs.fetchOk ? 0 : entry.consecutiveFailures + 1;
    const results = runDetectors({
      sourceId,
      current: obs,
      history: entry.window,
      consecutiveFailures,
      isOpen: (kind) => entry.open[kind] !== undefined,
      thresholds,
    });
    const advanced = advanceAnomalies(entry.open, results, at, thresholds.resolveAfter);

    const window = [...entry.window, obs].slice(-thresholds.window);
    const up = isUp(obs);
    const changed = up && obs.bodySha !== null && obs.bodySha !== entry.lastBodySha;
    const tally = sample === null ? entry.lastTally : tallyOf(sample);
    const rel = reliabilityOf(
      {
        at,
        fetches: window.map(isUp),
        tally: tally ?? undefined,
        lastSuccessAt: up ? at : entry.lastSuccessAt,
        lastChangeAt: changed ? at : entry.lastChangeAt,
      },
      model,
    );
    const fetches = entry.fetches + 1;
    const demotion = nextDemotion(entry.demotion, rel.value, at, fetches, model);
    const serious = Object.values(advanced.open).some((a) => severityRank(a.finding.severity) >= 1);
    const status = sourceStatus({
      fetches,
      consecutiveFailures,
      demoted: demotion.demoted,
      seriousAnomaly: serious,
    });

    const next: DetectorEntry = {
      window,
      pendingLatency: entry.pendingLatency.filter(([id]) => id !== snapshot.fetchEventId),
      open: advanced.open,
      fetches,
      consecutiveFailures,
      lastFetchAt: at,
      lastOutcome: snapshot.outcome,
      lastSuccessAt: up ? at : entry.lastSuccessAt,
      lastChangeAt: changed ? at : entry.lastChangeAt,
      lastBodySha: up && obs.bodySha !== null ? obs.bodySha : entry.lastBodySha,
      lastConfigs: up ? obs.configs : entry.lastConfigs,
      lastTally: tally,
      demotion,
      status,
      statusSince: status === entry.status && entry.statusSince !== null ? entry.statusSince : at,
    };

    const mirrorOf = mirroredSource(
      sourceId,
      advanced.open[ANOMALY_KINDS.mirror]?.finding.relatedSourceId,
      sample,
    );
    const countBaseline = window.filter((o) => o.subscription).map((o) => o.configs);
    const health: SourceHealth = {
      metadata: derivedMetadata(snapshot.metadata, { producer: DETECTOR_PRODUCER, discriminator: 'health' }),
      sourceId,
      status,
      since: next.statusSince ?? at,
      lastFetchAt: at,
      lastSuccessAt: next.lastSuccessAt,
      lastOutcome: snapshot.outcome,
      consecutiveFailures,
      configs: next.lastConfigs,
      baselineConfigs: countBaseline.length >= thresholds.minHistory ? median(countBaseline) : null,
      activeAnomalies: (Object.keys(advanced.open) as AnomalyKind[]).sort(),
      reliability: rel.value,
      reliabilityComponents: rel.components,
      reliabilityWeights: rel.weights,
      demoted: demotion.demoted,
      demotedSince: demotion.since,
      mirrorOf,
      probedConfigs: tally?.probed ?? 0,
      workingConfigs: tally?.working ?? 0,
      exclusiveConfigs: tally?.exclusive ?? 0,
      lastChangeAt: next.lastChangeAt,
    };

    const outputs: OutputRecord[] = advanced.changes.map((change) => ({
      topic: topics.anomalies,
      key: sourceId,
      value: anomalyEvent(sourceId, change, snapshot.metadata, at),
    }));
    outputs.push({ topic: topics.health, key: sourceId, value: health });
    return ok(outputs, [{ store: DETECTOR_STORE, key: sourceId, value: next }]);
  };

  return {
    name,
    inputTopics: [topics.snapshots, topics.fetched],
    outputTopics: [topics.anomalies, topics.health],
    stores: [DETECTOR_STORE],
    process(record: InputRecord, context: ProcessContext) {
      const key = record.key;
      const value = record.value;
      if (value === null) return drop(DETECTOR_DROP_REASONS.tombstone);
      if (key === null) return dlq(DETECTOR_DLQ_CODES.keyMismatch, 'record without a key');
      const raw = context.store<unknown>(DETECTOR_STORE).get(key);
      const entry = raw === undefined ? EMPTY_DETECTOR_ENTRY : readDetectorEntry(raw);
      if (entry === undefined)
        return dlq(DETECTOR_DLQ_CODES.invalidState, `stored entry of ${key} is not a detector entry`);
      switch (record.topic) {
        case topics.snapshots:
          if (!isSourceSnapshot(value))
            return dlq(DETECTOR_DLQ_CODES.invalidEvent, 'value is not a sources.snapshots.v1 event');
          if (value.sourceId !== key)
            return dlq(DETECTOR_DLQ_CODES.keyMismatch, `key ${key} is not the source ${value.sourceId}`);
          return onSnapshot(value, entry, context.now);
        case topics.fetched:
          if (!isFetchFacts(value))
            return dlq(DETECTOR_DLQ_CODES.invalidEvent, 'value is not a sources.fetched.v1 event');
          if (value.sourceId !== key)
            return dlq(DETECTOR_DLQ_CODES.keyMismatch, `key ${key} is not the source ${value.sourceId}`);
          return onFetched(key, value.metadata.eventId, value.outcome, value.timings.totalMs, entry);
        default:
          return drop(DETECTOR_DROP_REASONS.unknownTopic);
      }
    },
  };
}

function sampleTable(table: SourceTableView, sourceId: string): TableSample | null {
  const tally = table.tally(sourceId);
  if (tally === undefined || tally.carried === 0) return null;
  const top = table.topNetwork(sourceId);
  const closest = table.closestSource(sourceId);
  return {
    carried: tally.carried,
    probed: tally.probed,
    working: tally.working,
    exclusive: tally.exclusive,
    exclusiveWorking: tally.exclusiveWorking,
    duplicateRatio: (tally.carried - tally.exclusive) / tally.carried,
    workingShare: tally.probed > 0 ? tally.working / tally.probed : null,
    topNetwork: top?.network ?? null,
    topNetworkShare: top === undefined ? null : top.count / tally.carried,
    closest:
      closest === undefined
        ? null
        : { sourceId: closest.sourceId, jaccard: closest.jaccard, otherCarried: closest.otherCarried },
  };
}

const tallyOf = (s: TableSample) => ({
  carried: s.carried,
  probed: s.probed,
  working: s.working,
  exclusive: s.exclusive,
  exclusiveWorking: s.exclusiveWorking,
});

/**
 * Of two sources with nearly the same configs, the smaller one (or, equal, the one with the
 * greater id) is taken as the mirror, so exactly one of the pair points at the other.
 */
function mirroredSource(
  sourceId: string,
  related: string | null | undefined,
  sample: TableSample | null,
): string | null {
  if (related === null || related === undefined) return null;
  const closest = sample?.closest;
  if (sample === null || closest === null || closest === undefined || closest.sourceId !== related)
    return related;
  if (sample.carried < closest.otherCarried) return related;
  if (sample.carried === closest.otherCarried && sourceId > related) return related;
  return null;
}

function anomalyEvent(
  sourceId: string,
  change: AnomalyChange,
  cause: EventMetadata,
  at: number,
): SourceAnomaly {
  const f = change.finding;
  return {
    metadata: derivedMetadata(cause, {
      producer: DETECTOR_PRODUCER,
      discriminator: `anomaly:${f.kind}:${change.state}`,
    }),
    sourceId,
    kind: f.kind,
    state: change.state,
    severity: f.severity,
    detectedAt: at,
    observed: f.observed,
    expected: f.expected,
    message: change.state === 'resolved' ? `resolved: ${f.message}` : f.message,
    snapshotEventId: cause.eventId,
    evidence: f.evidence,
    relatedSourceId: f.relatedSourceId,
    openedAt: change.openedAt,
  };
}
