import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../../services/core/alerts/alert-policy.ts';
import type { AlertMessage } from '../../../services/core/alerts/alert-message.ts';
import { intelProcessorName, INTEL_KINDS } from '../../../services/core/scoring/intel-topics.ts';
import { createWebhook } from '../../../services/detector/webhook.ts';
import type { ConfigScored, SourceAnomaly, SourceHealth } from '../../../services/generated/events.ts';
import { intelFixture, webhookReceiver } from './intel-fixture.ts';
import type { IntelFixture, WebhookReceiver } from './intel-fixture.ts';
import { current, fingerprintOf, health, probe, snapshot } from '../../helpers/intel-events.ts';

const WAIT = { timeout: 90_000, interval: 300 } as const;
const MIN = 60_000;

describe('scorer and detector on the real broker and registry', () => {
  let fx: IntelFixture;
  let hook: WebhookReceiver | undefined;

  beforeEach(async () => {
    fx = await intelFixture();
  });

  afterEach(async () => {
    await fx.cleanup();
    await hook?.close();
    hook = undefined;
  });

  it('scores current configs from their probes per vantage, and re-scores them when a source is demoted', async () => {
    const now = Date.now();
    await fx.append(fx.topics.health, [
      { key: 'src-a', value: health('src-a', now - 10 * MIN, { reliability: 0.8 }) },
      { key: 'src-b', value: health('src-b', now - 10 * MIN, { reliability: 0.6 }) },
    ]);
    const scorer = await fx.startScorer({ rescore: { debounceMs: 100 } });
    const [working, failing, shared] = [fingerprintOf(1), fingerprintOf(2), fingerprintOf(3)];
    await fx.append(fx.topics.current, [
      { key: working, value: current(working, ['src-a'], now - 5 * MIN) },
      { key: failing, value: current(failing, ['src-a'], now - 5 * MIN) },
      { key: shared, value: current(shared, ['src-a', 'src-b'], now - 5 * MIN) },
    ]);
    await fx.append(fx.topics.probed, [
      { key: working, value: probe(working, now - 4 * MIN, 'ok', 'eu-1', 150) },
      { key: working, value: probe(working, now - 4 * MIN + 1, 'ok', 'us-1', 320) },
      { key: failing, value: probe(failing, now - 4 * MIN, 'timeout') },
      { key: failing, value: probe(failing, now - 3 * MIN, 'refused') },
    ]);

    let scored = new Map<string, ConfigScored>();
    await vi.waitFor(async () => {
      scored = await fx.latest<ConfigScored>(fx.topics.scored);
      expect(scored.get(working)?.vantages).toHaveLength(2);
      expect(scored.get(failing)?.verdict).toBe('failing');
      expect(scored.get(shared)?.verdict).toBe('unprobed');
    }, WAIT);
    const w = scored.get(working);
    expect(w).toMatchObject({
      verdict: 'working',
      scoreModel: 'score-2',
      sourceIds: ['src-a'],
      lastProbeOutcome: 'ok',
    });
    expect(w?.vantages.map((v) => v.vantage)).toEqual(['eu-1', 'us-1']);
    expect(w?.components['sourceReliability']).toBe(0.8);
    expect(w?.score).toBeGreaterThan(scored.get(shared)?.score ?? 100);
    expect(scored.get(shared)?.score).toBeGreaterThan(scored.get(failing)?.score ?? 100);
    // Through Avro and the registry: a 0-100 score whose components' points sum to it.
    for (const fp of [working, shared, failing]) {
      const value = scored.get(fp);
      expect(value?.score).toBeGreaterThanOrEqual(0);
      expect(value?.score).toBeLessThanOrEqual(100);
      expect(Object.keys(value?.points ?? {})).toHaveLength(6);
      const sum = Object.values(value?.points ?? {}).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(value?.score ?? -1, 9);
    }
    expect(w?.score).toBeGreaterThan(50);
    expect(scored.get(shared)?.components['sourceReliability']).toBe(0.8);

    // src-a is demoted by the detector: every config it carries is re-scored without a new event.
    await fx.append(fx.topics.health, [
      {
        key: 'src-a',
        value: health('src-a', now - MIN, { reliability: 0.2, demoted: true, demotedSince: now - MIN }),
      },
    ]);
    await vi.waitFor(async () => {
      scored = await fx.latest<ConfigScored>(fx.topics.scored);
      expect(scored.get(working)?.components['sourceReliability']).toBe(0);
      expect(scored.get(shared)?.components['sourceReliability']).toBe(0.6);
    }, WAIT);
    expect(scored.get(working)?.notes).toContain('every carrying source is demoted');
    expect(scored.get(working)?.score).toBeLessThan(w?.score ?? 0);
    expect(scorer.ready()).toBe(true);

    // A config leaving the current set leaves the scored set.
    await fx.append(fx.topics.current, [{ key: failing, value: null }]);
    await vi.waitFor(async () => expect((await fx.latest(fx.topics.scored)).has(failing)).toBe(false), WAIT);
  });

  it('publishes health and anomalies from snapshots and posts one webhook per anomaly within the cool-down', async () => {
    hook = await webhookReceiver();
    const detector = await fx.startDetector({
      alerts: {
        post: createWebhook({ url: hook.url }),
        policy: { ...DEFAULT_ALERT_POLICY, cooldownMs: 60 * MIN },
      },
    });
    const start = Date.now() - 60 * MIN;
    const at = (i: number) => start + i * MIN;
    const steady = Array.from({ length: 8 }, (_, i) =>
      snapshot('src-x', i, at(i), { configs: 400 + (i % 3) * 7 }),
    );
    await fx.append(
      fx.topics.snapshots,
      steady.map((value) => ({ key: 'src-x', value })),
    );
    await fx.append(fx.topics.snapshots, [
      { key: 'src-x', value: snapshot('src-x', 8, at(8), { container: 'html' }) },
    ]);

    await vi.waitFor(async () => {
      const anomalies = (await fx.readAll(fx.topics.anomalies)).map((r) => r.value as SourceAnomaly);
      expect(anomalies.map((a) => `${a.state} ${a.kind} ${a.severity}`)).toEqual([
        'opened html-body critical',
      ]);
    }, WAIT);
    await vi.waitFor(() => expect(hook?.bodies).toHaveLength(1), WAIT);
    const alert = hook.bodies[0] as AlertMessage;
    expect(alert.alert).toMatchObject({
      sourceId: 'src-x',
      kind: 'html-body',
      state: 'opened',
      severity: 'critical',
    });
    expect(alert.text).toContain('src-x');

    const h = (await fx.latest<SourceHealth>(fx.topics.health)).get('src-x');
    expect(h).toMatchObject({
      status: 'degraded',
      activeAnomalies: ['html-body'],
      configs: 407,
      lastOutcome: 'ok',
    });
    expect(h?.baselineConfigs).toBe(407);
    expect(h?.reliability).not.toBeNull();

    // It recovers (two good fetches resolve it), then serves HTML again within the cool-down.
    await fx.append(fx.topics.snapshots, [
      { key: 'src-x', value: snapshot('src-x', 9, at(9)) },
      { key: 'src-x', value: snapshot('src-x', 10, at(10)) },
      { key: 'src-x', value: snapshot('src-x', 11, at(11), { container: 'html' }) },
    ]);
    await vi.waitFor(async () => {
      const anomalies = (await fx.readAll(fx.topics.anomalies)).map((r) => r.value as SourceAnomaly);
      expect(anomalies.map((a) => `${a.state} ${a.kind}`)).toEqual([
        'opened html-body',
        'resolved html-body',
        'opened html-body',
      ]);
    }, WAIT);
    // The sender has dealt with every anomaly (its committed offset is past the last record of each
    // partition; the end offset also counts transaction markers) and sent nothing more.
    const group = intelProcessorName(INTEL_KINDS.alerts, fx.topics);
    await vi.waitFor(async () => {
      const last = new Map<number, bigint>();
      for (const r of await fx.readAll(fx.topics.anomalies)) last.set(r.partition, BigInt(r.offset) + 1n);
      const committed = await fx.log.committedOffsets(group, fx.topics.anomalies);
      for (const [p, next] of last) expect(BigInt(committed.get(p) ?? '0')).toBeGreaterThanOrEqual(next);
    }, WAIT);
    expect(hook.bodies).toHaveLength(1);
    expect(detector.ready()).toBe(true);
  });

  it('closes the loop: probes that fail demote their source, and the demotion lowers its configs’ scores', async () => {
    const scorer = await fx.startScorer({ rescore: { debounceMs: 100 } });
    const detector = await fx.startDetector();
    const now = Date.now();
    const dead = Array.from({ length: 20 }, (_, i) => fingerprintOf(100 + i));
    const alive = Array.from({ length: 20 }, (_, i) => fingerprintOf(200 + i));
    await fx.append(fx.topics.current, [
      ...dead.map((fp) => ({ key: fp, value: current(fp, ['src-dead'], now - 30 * MIN) })),
      ...alive.map((fp) => ({ key: fp, value: current(fp, ['src-good'], now - 30 * MIN) })),
    ]);
    await fx.append(fx.topics.probed, [
      ...dead.map((fp) => ({ key: fp, value: probe(fp, now - 20 * MIN, 'timeout') })),
      ...alive.map((fp) => ({ key: fp, value: probe(fp, now - 20 * MIN, 'ok') })),
    ]);
    // The detector's side table sees what the scorer published.
    await vi.waitFor(() => {
      expect(detector.membership.tally('src-dead')).toMatchObject({ carried: 20, probed: 20, working: 0 });
      expect(detector.membership.tally('src-good')).toMatchObject({ carried: 20, probed: 20, working: 20 });
    }, WAIT);
    const before = (await fx.latest<ConfigScored>(fx.topics.scored)).get(dead[0] ?? '');
    expect(before?.components['sourceReliability']).toBe(0.5);

    const snapshots = [0, 1, 2, 3].flatMap((i) => [
      { key: 'src-dead', value: snapshot('src-dead', i, now - (10 - i) * MIN, { configs: 20 }) },
      { key: 'src-good', value: snapshot('src-good', i, now - (10 - i) * MIN, { configs: 20 }) },
    ]);
    await fx.append(fx.topics.snapshots, snapshots);

    await vi.waitFor(async () => {
      const h = await fx.latest<SourceHealth>(fx.topics.health);
      expect(h.get('src-dead')).toMatchObject({
        demoted: true,
        status: 'degraded',
        probedConfigs: 20,
        workingConfigs: 0,
      });
      expect(h.get('src-good')).toMatchObject({ demoted: false, status: 'healthy', workingConfigs: 20 });
    }, WAIT);
    await vi.waitFor(async () => {
      const scored = await fx.latest<ConfigScored>(fx.topics.scored);
      for (const fp of dead) expect(scored.get(fp)?.components['sourceReliability']).toBe(0);
      for (const fp of alive) expect(scored.get(fp)?.components['sourceReliability']).toBeGreaterThan(0.8);
    }, WAIT);
    expect(scorer.ready() && detector.ready()).toBe(true);
  });
});

describe('alert sender across failures and restarts', () => {
  let fx: IntelFixture;
  let hook: WebhookReceiver | undefined;

  beforeEach(async () => {
    fx = await intelFixture('it-alerts');
  });

  afterEach(async () => {
    await fx.cleanup();
    await hook?.close();
    hook = undefined;
  });

  const sentEverything = async (): Promise<void> => {
    const group = intelProcessorName(INTEL_KINDS.alerts, fx.topics);
    await vi.waitFor(async () => {
      const last = new Map<number, bigint>();
      for (const r of await fx.readAll(fx.topics.anomalies)) last.set(r.partition, BigInt(r.offset) + 1n);
      expect(last.size).toBeGreaterThan(0);
      const committed = await fx.log.committedOffsets(group, fx.topics.anomalies);
      for (const [p, next] of last) expect(BigInt(committed.get(p) ?? '0')).toBeGreaterThanOrEqual(next);
    }, WAIT);
  };

  it('retries a receiver that fails, delivers once, and keeps the cool-down across a restart', async () => {
    hook = await webhookReceiver((n) => (n < 2 ? 503 : 200));
    const alerts = {
      post: createWebhook({ url: hook.url }),
      policy: { ...DEFAULT_ALERT_POLICY, cooldownMs: 60 * MIN },
      backoffMs: 50,
    };
    const first = await fx.startDetector({ alerts });
    const start = Date.now() - 60 * MIN;
    const at = (i: number) => start + i * MIN;
    await fx.append(fx.topics.snapshots, [
      ...Array.from({ length: 6 }, (_, i) => ({ key: 'src-y', value: snapshot('src-y', i, at(i)) })),
      { key: 'src-y', value: snapshot('src-y', 6, at(6), { container: 'html' }) },
    ]);
    await vi.waitFor(() => expect(hook?.bodies).toHaveLength(1), WAIT);
    expect(hook.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    await sentEverything();
    await first.stop();

    // While it is down the source recovers and breaks again; after the restart the sender
    // rebuilds its memory from the topic and stays silent: still inside the cool-down.
    await fx.append(fx.topics.snapshots, [
      { key: 'src-y', value: snapshot('src-y', 7, at(7)) },
      { key: 'src-y', value: snapshot('src-y', 8, at(8)) },
      { key: 'src-y', value: snapshot('src-y', 9, at(9), { container: 'html' }) },
    ]);
    await fx.startDetector({ alerts });
    await vi.waitFor(async () => {
      const anomalies = (await fx.readAll(fx.topics.anomalies)).map((r) => r.value as SourceAnomaly);
      expect(anomalies.map((a) => a.state)).toEqual(['opened', 'resolved', 'opened']);
    }, WAIT);
    await sentEverything();
    expect(hook.bodies).toHaveLength(1);
  });
});
