import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  intelTopics,
  intelTopicSpecs,
  INTEL_KINDS,
  rescoreTopic,
} from '../../../services/core/scoring/intel-topics.ts';
import { startDetector } from '../../../services/detector/detector-service.ts';
import { startScorer } from '../../../services/scorer/scorer-service.ts';
import type { ConfigScored, SourceHealth } from '../../../services/generated/events.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import type { InProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { latestByKey } from '../../contract/event-log-fixture.ts';
import { current, fingerprintOf, health, probe, snapshot } from '../../helpers/intel-events.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const WAIT = { timeout: 10_000, interval: 20 } as const;
const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * The scorer and the detector on the in-process bus of the embedded mode: the same processors,
 * side tables and rescore pump as on Kafka, with no broker.
 */
describe('scorer and detector on the in-process event log', () => {
  let log: InProcessEventLog;
  const stops: (() => Promise<void>)[] = [];
  const topics = intelTopics({ prefix: 'unit.' });

  const open = async (): Promise<InProcessEventLog> => {
    log = createInProcessEventLog();
    const specs = [
      ...intelTopicSpecs(INTEL_KINDS.scorer, topics),
      ...intelTopicSpecs(INTEL_KINDS.anomaly, topics),
    ];
    await log.ensureTopics(
      [...new Map(specs.map((s) => [s.name, s])).values()].map((s) => ({
        name: s.name,
        partitions: s.partitions,
        compacted: s.config['cleanup.policy'] === 'compact',
      })),
    );
    return log;
  };
  const latest = async <V>(topic: string): Promise<Map<string, V>> => {
    const records: Parameters<typeof latestByKey>[0][number][] = [];
    await log.readToEnd(topic, { onRecords: (r) => void records.push(...r) });
    return latestByKey(records) as Map<string, V>;
  };

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await log.close();
  });

  it('scores, re-scores on demotion, and lets scores decay through the rescore pump', async () => {
    await open();
    let clock = Date.now();
    const scorer = await startScorer({
      log,
      topics,
      instance: '0',
      logger,
      registry: new Registry(),
      rescore: { debounceMs: 10, clock: () => clock, staleAfterMs: HOUR },
    });
    stops.push(() => scorer.stop());
    const fp = fingerprintOf(7);
    await log.append([
      { topic: topics.current, key: fp, value: current(fp, ['s1'], clock - MIN) },
      { topic: topics.probed, key: fp, value: probe(fp, clock, 'ok') },
    ]);
    await vi.waitFor(
      async () => expect((await latest<ConfigScored>(topics.scored)).get(fp)?.verdict).toBe('working'),
      WAIT,
    );
    const fresh = (await latest<ConfigScored>(topics.scored)).get(fp);

    await log.append([
      { topic: topics.health, key: 's1', value: health('s1', clock, { demoted: true, reliability: 0.1 }) },
    ]);
    await vi.waitFor(
      async () =>
        expect((await latest<ConfigScored>(topics.scored)).get(fp)?.components['sourceReliability']).toBe(0),
      WAIT,
    );

    // Two days later, with no event about the config, a sweep re-scores it as of then.
    clock += 48 * HOUR;
    expect(await scorer.pump.sweep()).toBe(1);
    const rescores: unknown[] = [];
    await log.readToEnd(rescoreTopic(topics), {
      onRecords: (r) => void rescores.push(...r.map((x) => x.value)),
    });
    expect(rescores.at(-1)).toEqual({ at: clock, reason: 'decay' });
    await vi.waitFor(
      async () => expect((await latest<ConfigScored>(topics.scored)).get(fp)?.scoredAt).toBe(clock),
      WAIT,
    );
    const decayed = (await latest<ConfigScored>(topics.scored)).get(fp);
    expect(decayed?.verdict).toBe('unprobed');
    expect(decayed?.score).toBeLessThan(fresh?.score ?? 0);
    // Nothing is stale right after a re-score.
    expect(await scorer.pump.sweep()).toBe(0);
  });

  it('publishes health and anomalies from snapshots', async () => {
    await open();
    const detector = await startDetector({ log, topics, instance: '0', logger, registry: new Registry() });
    stops.push(() => detector.stop());
    const start = Date.now() - HOUR;
    await log.append([
      ...Array.from({ length: 6 }, (_, i) => ({
        topic: topics.snapshots,
        key: 'src',
        value: snapshot('src', i, start + i * MIN),
      })),
      { topic: topics.snapshots, key: 'src', value: snapshot('src', 6, start + 6 * MIN, { configs: 3 }) },
    ]);
    await vi.waitFor(
      async () =>
        expect((await latest<SourceHealth>(topics.health)).get('src')?.activeAnomalies).toEqual([
          'count-collapse',
        ]),
      WAIT,
    );
    expect((await latest<SourceHealth>(topics.health)).get('src')?.status).toBe('degraded');
  });
});
