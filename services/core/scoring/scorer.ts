import { createHash } from 'node:crypto';
import type { ConfigCurrent, ConfigProbed, ConfigScored, EventMetadata } from '../../generated/events.ts';
import { derivedMetadata, nameBasedUuid } from '../../shared/events/event-metadata.ts';
import { dlq, drop, ok } from '../processing/outcome.ts';
import type { ProcessContext, Processor } from '../processing/processor.ts';
import type { InputRecord, OutputRecord } from '../processing/record.ts';
import { INTEL_KINDS, intelProcessorName, rescoreTopic, SCORER_STORE } from './intel-topics.ts';
import type { IntelTopics } from './intel-topics.ts';
import { scoreConfig } from './score-config.ts';
import type { ScoreBreakdown } from './score-config.ts';
import { DEFAULT_SCORE_MODEL } from './score-model.ts';
import type { ScoreModel } from './score-model.ts';
import { EMPTY_ENTRY, newestProbeAt, readEntry } from './scorer-entry.ts';
import type { CurrentFacts, ScorerEntry } from './scorer-entry.ts';
import { isConfigCurrent, isConfigProbed, isRescoreRequest } from './scorer-inputs.ts';
import type { StandingLookup } from './source-standing.ts';
import { addProbe, EMPTY_VANTAGE } from './vantage-stats.ts';

export const SCORER_DLQ_CODES = {
  invalidEvent: 'INVALID_SCORER_INPUT',
  keyMismatch: 'KEY_MISMATCH',
  /** The stored entry is not one the scorer wrote: a bug, parked so the partition moves on. */
  invalidState: 'INVALID_SCORER_STATE',
} as const;

export const SCORER_DROP_REASONS = {
  /** Probes and rescore requests are never deleted; a tombstone there is noise. */
  tombstone: 'tombstone',
  unknownTopic: 'unknown-topic',
} as const;

/** Constant, so derived event ids do not depend on which instance or generation ran. */
export const SCORER_PRODUCER = 'scorer';

/** Probes of a config that never (again) became current are forgotten after this long. */
export const PROBE_ONLY_RETENTION_MS = 7 * 86_400_000;

export interface ScorerOptions {
  readonly topics: Pick<IntelTopics, 'prefix' | 'version' | 'current' | 'probed' | 'scored'>;
  /**
   * Source health as a side table (sources.health.v1 is keyed by source and partitioned
   * differently, so the shell materializes all of it; a lookup, not an input).
   */
  readonly standing: StandingLookup;
  readonly model?: ScoreModel;
}

/**
 * configs.current.v1 + configs.probed.v1 (+ its rescore requests) -> configs.scored.v1
 * (compacted, key = fingerprint).
 *
 * State per fingerprint: the merged config, decayed probe evidence per vantage, and a digest of
 * the last published score. Every input re-scores the config as of the input's own time (never
 * earlier than the last score), so a replay reproduces the scores; a score is published only
 * when something a reader sees changed. A current tombstone publishes a scored tombstone and
 * forgets the config.
 */
export function createScorer(options: ScorerOptions): Processor {
  const { topics, standing, model = DEFAULT_SCORE_MODEL } = options;
  const name = intelProcessorName(INTEL_KINDS.scorer, topics);
  const rescore = rescoreTopic(topics);

  const publish = (
    fp: string,
    entry: ScorerEntry,
    at: number,
    cause: EventMetadata,
    previous: ScorerEntry | undefined,
  ) => {
    const current = entry.current;
    if (current === null) return ok([], [{ store: SCORER_STORE, key: fp, value: entry }]);
    const asOf = Math.max(at, entry.scoredAt ?? at);
    const breakdown = scoreConfig(
      {
        at: asOf,
        protocol: current.protocol,
        config: current.config,
        sourceIds: current.sourceIds,
        lastSeen: current.lastSeen,
        vantages: entry.vantages,
        standing,
      },
      model,
    );
    const value = scoredEvent(fp, current, entry, breakdown, asOf, cause);
    const signature = signatureOf(value);
    const next: ScorerEntry = { ...entry, scoredAt: asOf, signature };
    const changes = [{ store: SCORER_STORE, key: fp, value: next }];
    if (signature === previous?.signature) return ok([], changes);
    return ok([{ topic: topics.scored, key: fp, value } satisfies OutputRecord<ConfigScored>], changes);
  };

  const onCurrent = (fp: string, event: ConfigCurrent | null, before: ScorerEntry | undefined) => {
    if (event === null) {
      if (before === undefined) return ok([]);
      const outputs = before.signature === null ? [] : [{ topic: topics.scored, key: fp, value: null }];
      return ok(outputs, [{ store: SCORER_STORE, key: fp, value: null }]);
    }
    const current: CurrentFacts = {
      protocol: event.protocol,
      server: event.server,
      port: event.port,
      config: event.config,
      sourceIds: [...new Set(event.sources.map((s) => s.sourceId))].sort(),
      firstSeen: event.firstSeen,
      lastSeen: event.lastSeen,
    };
    const entry: ScorerEntry = { ...(before ?? EMPTY_ENTRY), current };
    return publish(fp, entry, event.metadata.eventTime, event.metadata, before);
  };

  const onProbe = (fp: string, event: ConfigProbed, before: ScorerEntry | undefined) => {
    const base = before ?? EMPTY_ENTRY;
    const vantage = event.vantage ?? '';
    const probe = {
      stage: event.stage,
      outcome: event.outcome,
      latencyMs: event.latencyMs ?? null,
      probedAt: event.probedAt,
    };
    const newest = base.lastProbe === null || event.probedAt >= base.lastProbe.at;
    const succeeded = probe.outcome === 'ok' && probe.latencyMs !== null && probe.stage === 'proxy';
    const entry: ScorerEntry = {
      ...base,
      vantages: {
        ...base.vantages,
        [vantage]: addProbe(base.vantages[vantage] ?? EMPTY_VANTAGE, probe, model),
      },
      lastProbe: newest ? { outcome: event.outcome, at: event.probedAt } : base.lastProbe,
      lastLatency:
        succeeded &&
        probe.latencyMs !== null &&
        (base.lastLatency === null || event.probedAt >= base.lastLatency.at)
          ? { ms: probe.latencyMs, at: event.probedAt }
          : base.lastLatency,
    };
    return publish(fp, entry, event.probedAt, event.metadata, before);
  };

  const onRescore = (fp: string, at: number, reason: string, before: ScorerEntry | undefined) => {
    if (before === undefined) return ok([]);
    if (before.current === null) {
      const newest = newestProbeAt(before);
      if (newest === null || at - newest > PROBE_ONLY_RETENTION_MS) {
        return ok([], [{ store: SCORER_STORE, key: fp, value: null }]);
      }
      return ok([]);
    }
    const eventId = nameBasedUuid(`rescore\u0000${fp}\u0000${at}\u0000${reason}`);
    const cause: EventMetadata = {
      eventId,
      eventTime: at,
      producer: SCORER_PRODUCER,
      correlationId: eventId,
      causationId: null,
    };
    return publish(fp, before, at, cause, before);
  };

  return {
    name,
    inputTopics: [topics.current, topics.probed, rescore],
    outputTopics: [topics.scored],
    stores: [SCORER_STORE],
    process(record: InputRecord, context: ProcessContext) {
      const fp = record.key;
      if (fp === null) return dlq(SCORER_DLQ_CODES.keyMismatch, 'record without a key');
      const raw = context.store<unknown>(SCORER_STORE).get(fp);
      const before = raw === undefined ? undefined : readEntry(raw);
      if (raw !== undefined && before === undefined) {
        return dlq(SCORER_DLQ_CODES.invalidState, `stored entry of ${fp} is not a scorer entry`);
      }
      const value = record.value;
      switch (record.topic) {
        case topics.current:
          if (value !== null && !isConfigCurrent(value))
            return dlq(SCORER_DLQ_CODES.invalidEvent, 'value is not a configs.current.v1 event');
          if (value !== null && value.fingerprint !== fp)
            return dlq(SCORER_DLQ_CODES.keyMismatch, `key ${fp} is not the fingerprint ${value.fingerprint}`);
          return onCurrent(fp, value, before);
        case topics.probed:
          if (value === null) return drop(SCORER_DROP_REASONS.tombstone);
          if (!isConfigProbed(value))
            return dlq(SCORER_DLQ_CODES.invalidEvent, 'value is not a configs.probed.v1 event');
          if (value.fingerprint !== fp)
            return dlq(SCORER_DLQ_CODES.keyMismatch, `key ${fp} is not the fingerprint ${value.fingerprint}`);
          return onProbe(fp, value, before);
        case rescore:
          if (value === null) return drop(SCORER_DROP_REASONS.tombstone);
          if (!isRescoreRequest(value))
            return dlq(SCORER_DLQ_CODES.invalidEvent, 'value is not a rescore request');
          return onRescore(fp, value.at, value.reason, before);
        default:
          return drop(SCORER_DROP_REASONS.unknownTopic);
      }
    },
  };
}

function scoredEvent(
  fp: string,
  current: CurrentFacts,
  entry: ScorerEntry,
  breakdown: ScoreBreakdown,
  asOf: number,
  cause: EventMetadata,
): ConfigScored {
  return {
    metadata: derivedMetadata(cause, { producer: SCORER_PRODUCER, discriminator: 'scored', eventTime: asOf }),
    fingerprint: fp,
    protocol: current.protocol,
    server: current.server,
    port: current.port,
    config: current.config,
    sourceIds: current.sourceIds,
    score: breakdown.score,
    components: breakdown.components,
    lastProbeOutcome: entry.lastProbe?.outcome ?? null,
    lastProbeLatencyMs: entry.lastLatency === null ? null : Math.round(entry.lastLatency.ms),
    lastProbedAt: entry.lastProbe?.at ?? null,
    firstSeen: current.firstSeen,
    lastSeen: current.lastSeen,
    verdict: breakdown.verdict,
    weights: breakdown.weights,
    points: breakdown.points,
    vantages: breakdown.vantages,
    notes: breakdown.notes,
    scoreModel: breakdown.model,
    scoredAt: asOf,
  };
}

/** What a reader of the score sees, minus what moves on every event (ids, times of the as-of). */
function signatureOf(value: ConfigScored): string {
  const { metadata: _m, lastSeen: _l, scoredAt: _s, ...visible } = value;
  return createHash('sha256').update(JSON.stringify(visible)).digest('base64url').slice(0, 22);
}
