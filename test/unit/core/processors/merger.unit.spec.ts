import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigCurrent, ConfigObserved } from '../../../../services/generated/events.ts';
import { createMerger, MERGER_DLQ_CODES } from '../../../../services/core/processors/merger.ts';
import { stateOfCurrent } from '../../../../services/core/processors/merger-state.ts';
import { MERGER_STORE, pipelineTopics } from '../../../../services/core/processors/pipeline-topics.ts';
import { nameBasedUuid } from '../../../../services/shared/events/event-metadata.ts';
import type { Presence } from '../../../../services/shared/events/presence.ts';
import { createDriver } from './process-driver.ts';

const topics = pipelineTopics();
const T0 = Date.UTC(2025, 0, 1);
const FP = 'f'.repeat(64);

const configOf = (name: string, variant = 'ws') =>
  JSON.stringify({
    name,
    port: 443,
    protocol: 'trojan',
    server: 'a.example.com',
    transport: { type: variant },
  });

function observation(
  sourceId: string,
  presence: Presence,
  at: number,
  name = sourceId,
  variant = 'ws',
  fp = FP,
): ConfigObserved {
  const eventId = nameBasedUuid(`${sourceId}:${presence}:${at}:${fp}`);
  return {
    metadata: { eventId, eventTime: at, producer: 'parser', correlationId: eventId, causationId: null },
    fingerprint: fp,
    fingerprintPolicy: 'credential',
    sourceId,
    presence,
    protocol: 'trojan',
    server: 'a.example.com',
    port: 443,
    config: presence === 'present' ? configOf(name, variant) : null,
    originLine: presence === 'present' ? 1 : null,
    originFrom: presence === 'present' ? 'trojan' : null,
    fetchEventId: eventId,
    fetchedAt: at,
  };
}

function merger() {
  const driver = createDriver(createMerger({ topics }));
  const push = (o: ConfigObserved) => {
    const before = driver.outputs.length;
    const outcome = driver.push(o.fingerprint, o);
    return { outcome, outputs: driver.outputs.slice(before) };
  };
  return { driver, push };
}

describe('merger', () => {
  it('publishes the merged config with the source carrying it and its first and last seen times', () => {
    const { push } = merger();
    const { outputs } = push(observation('s1', 'present', T0));
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toMatchObject({ topic: topics.current, key: FP });
    expect(outputs[0]?.value).toMatchObject({
      fingerprint: FP,
      protocol: 'trojan',
      server: 'a.example.com',
      port: 443,
      config: configOf('s1'),
      sources: [{ sourceId: 's1', firstSeen: T0, lastSeen: T0, name: 's1' }],
      firstSeen: T0,
      lastSeen: T0,
    });
  });

  it('folds the variants of several sources into one config carried by all of them', () => {
    const { push } = merger();
    push(observation('s2', 'present', T0 + 10, 'second', 'grpc'));
    push(observation('s1', 'present', T0 + 20, 'first'));
    const { outputs } = push(observation('s2', 'present', T0 + 30, 'second again', 'grpc'));
    const current = outputs[0]?.value as ConfigCurrent;
    expect(current.sources).toEqual([
      // s1's variant differs beyond its name, so the event carries it: a restore needs it.
      { sourceId: 's1', firstSeen: T0 + 20, lastSeen: T0 + 20, name: 'first', variant: configOf('first') },
      { sourceId: 's2', firstSeen: T0 + 10, lastSeen: T0 + 30, name: 'second again', variant: null },
    ]);
    // The longest-standing source's variant represents the config.
    expect(current.config).toBe(configOf('second again', 'grpc'));
    expect([current.firstSeen, current.lastSeen]).toEqual([T0 + 10, T0 + 30]);
  });

  it('drops a source on absent or expired and publishes a tombstone when no source carries the config', () => {
    const { driver, push } = merger();
    push(observation('s1', 'present', T0, 'one', 'ws'));
    push(observation('s2', 'present', T0 + 1, 'two', 'grpc'));
    const afterAbsent = push(observation('s1', 'absent', T0 + 2)).outputs[0]?.value as ConfigCurrent;
    expect(afterAbsent.sources.map((s) => s.sourceId)).toEqual(['s2']);
    expect(afterAbsent.config).toBe(configOf('two', 'grpc'));
    expect(afterAbsent.firstSeen).toBe(T0 + 1);

    const { outputs } = push(observation('s2', 'expired', T0 + 3));
    expect(outputs).toEqual([{ topic: topics.current, key: FP, value: null }]);
    expect(driver.store(MERGER_STORE).has(FP)).toBe(false);
  });

  it('starts a new first-seen time when a source carries a config again after dropping it', () => {
    const { push } = merger();
    push(observation('s1', 'present', T0));
    push(observation('s1', 'absent', T0 + 1));
    const again = push(observation('s1', 'present', T0 + 2)).outputs[0]?.value as ConfigCurrent;
    expect(again.sources[0]).toMatchObject({ firstSeen: T0 + 2, lastSeen: T0 + 2 });
  });

  it('publishes nothing for an observation that changes nothing or is older than the state', () => {
    const { push } = merger();
    const first = observation('s1', 'present', T0 + 10);
    push(first);
    expect(push(first).outputs).toEqual([]);
    expect(push(observation('s1', 'present', T0)).outputs).toEqual([]);
    expect(push(observation('s1', 'absent', T0 + 5)).outputs).toEqual([]);
    expect(push(observation('s9', 'absent', T0 + 50)).outputs).toEqual([]);
  });

  it('reaches the same state whatever the interleaving of the sources', () => {
    // Each source's observations arrive in order (one parser partition per source); sources interleave freely.
    const step = fc.record({
      presence: fc.constantFrom<Presence>('present', 'present', 'absent', 'expired'),
      name: fc.constantFrom('a', 'b', 'c'),
      variant: fc.constantFrom('ws', 'grpc'),
    });
    const history = fc.array(step, { maxLength: 6 });
    fc.assert(
      fc.property(fc.tuple(history, history, history), fc.integer(), (histories, seed) => {
        const perSource = histories.map((steps, i) =>
          steps.map((s, j) => observation(`s${i}`, s.presence, T0 + j * 100 + i, s.name, s.variant)),
        );
        const inOrder = perSource.flat();
        const shuffled = interleave(perSource, seed);
        const a = merger();
        const b = merger();
        for (const o of inOrder) a.push(o);
        for (const o of shuffled) b.push(o);
        expect(b.driver.store(MERGER_STORE).get(FP)).toEqual(a.driver.store(MERGER_STORE).get(FP));
        const last = (outputs: readonly { value: unknown }[]) => {
          const v = outputs.at(-1)?.value as ConfigCurrent | null | undefined;
          return v === undefined || v === null ? v : { ...v, metadata: null };
        };
        expect(last(b.driver.outputs)).toEqual(last(a.driver.outputs));
      }),
      { numRuns: 300 },
    );
  });

  it('publishes its whole state in every current event, so restoring from configs.current gives the same state', () => {
    const step = fc.record({
      source: fc.constantFrom('s0', 's1', 's2', 's3'),
      presence: fc.constantFrom<Presence>('present', 'present', 'present', 'absent', 'expired'),
      name: fc.constantFrom('a', 'b', 'c', 'quote " and \\ slash'),
      variant: fc.constantFrom('ws', 'grpc'),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 20 }), (steps) => {
        const m = merger();
        steps.forEach((s, i) => {
          const { outputs } = m.push(observation(s.source, s.presence, T0 + i * 10, s.name, s.variant));
          const state = m.driver.store(MERGER_STORE).get(FP);
          for (const out of outputs) {
            const value = out.value as ConfigCurrent | null;
            expect(value === null ? undefined : stateOfCurrent(value)).toEqual(state);
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps no variant for a source carrying the merged config under its own name', () => {
    const { push } = merger();
    push(observation('s1', 'present', T0, 'one'));
    const current = push(observation('s2', 'present', T0 + 1, 'two')).outputs[0]?.value as ConfigCurrent;
    expect(current.config).toBe(configOf('one'));
    expect(current.sources.map((s) => s.variant)).toEqual([null, null]);
    // Once the representative goes, the other source's own variant (its name in it) is the merged config.
    const after = push(observation('s1', 'absent', T0 + 2)).outputs[0]?.value as ConfigCurrent;
    expect(after.config).toBe(configOf('two'));
  });

  it('parks malformed observations and present ones without a readable config in the DLQ', () => {
    const { driver, push } = merger();
    expect(driver.push(FP, { nope: true })).toMatchObject({
      kind: 'dlq',
      code: MERGER_DLQ_CODES.invalidEvent,
    });
    expect(driver.push('other', observation('s1', 'present', T0))).toMatchObject({
      kind: 'dlq',
      code: MERGER_DLQ_CODES.keyMismatch,
    });
    expect(push({ ...observation('s1', 'present', T0), config: '{not json' }).outcome).toMatchObject({
      kind: 'dlq',
      code: MERGER_DLQ_CODES.invalidConfig,
    });
    expect(push({ ...observation('s1', 'present', T0), config: null }).outcome).toMatchObject({
      kind: 'dlq',
    });
    expect(driver.push(FP, null)).toMatchObject({ kind: 'drop' });
  });
});

/** A deterministic random merge of ordered lists that keeps each list's own order. */
function interleave<T>(lists: readonly (readonly T[])[], seed: number): T[] {
  const cursors = lists.map(() => 0);
  const out: T[] = [];
  let state = seed >>> 0 || 1;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    return state;
  };
  for (;;) {
    const open = lists.map((l, i) => i).filter((i) => (cursors[i] ?? 0) < (lists[i]?.length ?? 0));
    if (open.length === 0) return out;
    const pick = open[next() % open.length] as number;
    out.push((lists[pick] as readonly T[])[cursors[pick] as number] as T);
    cursors[pick] = (cursors[pick] ?? 0) + 1;
  }
}
