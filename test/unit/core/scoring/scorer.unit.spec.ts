import { describe, expect, it } from 'vitest';
import { intelTopics, rescoreTopic, SCORER_STORE } from '../../../../services/core/scoring/intel-topics.ts';
import {
  createScorer,
  PROBE_ONLY_RETENTION_MS,
  SCORER_DLQ_CODES,
} from '../../../../services/core/scoring/scorer.ts';
import type { SourceStanding } from '../../../../services/core/scoring/source-standing.ts';
import type { ConfigScored } from '../../../../services/generated/events.ts';
import { createDriver } from '../processors/process-driver.ts';
import { currentEvent, FP, HOUR, probeEvent, T0 } from './scoring-fixtures.ts';

const topics = intelTopics();

function scorer(standing: Record<string, SourceStanding> = {}) {
  const driver = createDriver(createScorer({ topics, standing: (id) => standing[id] }));
  const scored = () => driver.outputs.filter((o) => o.topic === topics.scored);
  const last = () => scored().at(-1)?.value as ConfigScored | null | undefined;
  return {
    driver,
    scored,
    last,
    current: (e: ReturnType<typeof currentEvent> | null, fp = FP) => driver.push(fp, e, topics.current),
    probe: (e: ReturnType<typeof probeEvent>) => driver.push(e.fingerprint, e, topics.probed),
    rescore: (at: number, fp = FP) => driver.push(fp, { at, reason: 'decay' }, rescoreTopic(topics)),
  };
}

describe('scorer', () => {
  it('publishes a score with its components, weights and notes for a current config', () => {
    const s = scorer();
    s.current(currentEvent());
    const value = s.last();
    expect(value).toMatchObject({
      fingerprint: FP,
      protocol: 'trojan',
      sourceIds: ['s1'],
      verdict: 'unprobed',
      scoreModel: 'score-2',
      scoredAt: T0,
      lastProbeOutcome: null,
    });
    expect(Object.keys(value?.components ?? {}).sort()).toEqual(
      ['freshness', 'latency', 'reachability', 'security', 'sourceReliability', 'sources'].sort(),
    );
    // On the 0-100 scale, with the points of every component summing to the score.
    expect(value?.score).toBeGreaterThan(1);
    expect(value?.score).toBeLessThanOrEqual(100);
    expect(Object.keys(value?.points ?? {}).sort()).toEqual(Object.keys(value?.components ?? {}).sort());
    const sum = Object.values(value?.points ?? {}).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(value?.score ?? -1, 9);
    expect(value?.notes.length).toBeGreaterThan(0);
  });

  it('joins probes per vantage and moves the score with them', () => {
    const s = scorer();
    s.current(currentEvent());
    const unprobed = s.last()?.score ?? 0;
    s.probe(probeEvent({ at: T0 + 60_000, vantage: 'eu', latencyMs: 180 }));
    s.probe(probeEvent({ at: T0 + 120_000, vantage: 'us', latencyMs: 240 }));
    const working = s.last();
    expect(working?.verdict).toBe('working');
    expect(working?.vantages.map((v) => v.vantage)).toEqual(['eu', 'us']);
    expect(working?.lastProbeLatencyMs).toBe(240);
    expect(working?.score).toBeGreaterThan(unprobed);
    s.probe(probeEvent({ at: T0 + 2 * HOUR, vantage: 'eu', outcome: 'timeout' }));
    s.probe(probeEvent({ at: T0 + 2 * HOUR + 1, vantage: 'us', outcome: 'refused' }));
    s.probe(probeEvent({ at: T0 + 3 * HOUR, vantage: 'eu', outcome: 'timeout' }));
    s.probe(probeEvent({ at: T0 + 3 * HOUR + 1, vantage: 'us', outcome: 'timeout' }));
    expect(s.last()?.verdict).toBe('failing');
    expect(s.last()?.lastProbeOutcome).toBe('timeout');
    expect(s.last()?.lastProbeLatencyMs).toBe(240);
  });

  it('does not publish again when a current event changes nothing a reader sees', () => {
    const s = scorer();
    s.current(currentEvent({ at: T0 }));
    s.current(currentEvent({ at: T0 + 1000 }));
    expect(s.scored()).toHaveLength(1);
    s.current(currentEvent({ at: T0 + 2000, sources: ['s1', 's2'] }));
    expect(s.scored()).toHaveLength(2);
  });

  it('keeps probes that arrive before their config and scores them once the config is current', () => {
    const s = scorer();
    s.probe(probeEvent({ at: T0 }));
    expect(s.scored()).toHaveLength(0);
    s.current(currentEvent({ at: T0 + 1 }));
    expect(s.last()?.verdict).toBe('working');
  });

  it('publishes a tombstone and forgets the config when it leaves the current set', () => {
    const s = scorer();
    s.current(currentEvent());
    s.current(null);
    expect(s.scored().at(-1)).toEqual({ topic: topics.scored, key: FP, value: null });
    expect(s.driver.store(SCORER_STORE).has(FP)).toBe(false);
  });

  it('rescoring lets the score decay without any new event, and never scores back in time', () => {
    const s = scorer();
    s.current(currentEvent());
    s.probe(probeEvent({ at: T0 + 1 }));
    const fresh = s.last();
    s.rescore(T0 + 2 * 24 * HOUR);
    const decayed = s.last();
    expect(decayed?.scoredAt).toBe(T0 + 2 * 24 * HOUR);
    expect(decayed?.score).toBeLessThan(fresh?.score ?? 0);
    s.rescore(T0);
    expect(s.last()?.scoredAt).toBe(T0 + 2 * 24 * HOUR);
  });

  it('reflects source standing: a demoted source loses its credit on the next rescore', () => {
    const standing: Record<string, SourceStanding> = {
      s1: { reliability: 0.9, demoted: false, mirrorOf: null },
    };
    const s = scorer(standing);
    s.current(currentEvent());
    const before = s.last();
    expect(before?.components['sourceReliability']).toBe(0.9);
    standing['s1'] = { reliability: 0.2, demoted: true, mirrorOf: null };
    s.rescore(T0 + 1);
    expect(s.last()?.components['sourceReliability']).toBe(0);
    expect(s.last()?.score).toBeLessThan(before?.score ?? 0);
  });

  it('forgets probe-only entries once their newest probe is older than the retention', () => {
    const s = scorer();
    s.probe(probeEvent({ at: T0 }));
    s.rescore(T0 + HOUR);
    expect(s.driver.store(SCORER_STORE).has(FP)).toBe(true);
    s.rescore(T0 + PROBE_ONLY_RETENTION_MS + 1);
    expect(s.driver.store(SCORER_STORE).has(FP)).toBe(false);
  });

  it('derives the same event ids when the same inputs are processed again', () => {
    const run = () => {
      const s = scorer();
      s.current(currentEvent());
      s.probe(probeEvent({ at: T0 + 5 }));
      s.rescore(T0 + HOUR);
      return s.scored().map((o) => (o.value as ConfigScored).metadata.eventId);
    };
    expect(run()).toEqual(run());
  });

  it('parks malformed inputs and keys that do not match the event', () => {
    const s = scorer();
    expect(s.driver.push(FP, { nope: true }, topics.current)).toMatchObject({
      kind: 'dlq',
      code: SCORER_DLQ_CODES.invalidEvent,
    });
    expect(s.driver.push('other', probeEvent(), topics.probed)).toMatchObject({
      kind: 'dlq',
      code: SCORER_DLQ_CODES.keyMismatch,
    });
  });
});
