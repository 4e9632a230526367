import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createReadState } from '../../../services/core/read-model/read-state.ts';
import { readApiTopics } from '../../../services/core/read-model/read-topics.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { createMetricsRegistry } from '../../../services/shared/metrics/metrics-registry.ts';
import type { EventLog, LogRecord } from '../../../services/shared/runtime/event-log.ts';
import { createMaterializer } from '../../../services/read-api/materializer.ts';
import { createReadApiMetrics } from '../../../services/read-api/read-api-metrics.ts';
import { currentEvent, syntheticConfig } from './read-fixtures.ts';
import { readApiLogTopics } from './read-api-harness.ts';

const topics = readApiTopics();

/** The in-process log, with the first record of each catch-up batch of `topic` turned undecodable. */
function withPoison(log: EventLog, topic: string): EventLog {
  const poison = (r: LogRecord): LogRecord => ({
    ...r,
    value: null,
    decodeFailure: { code: 'EVENT_UNDECODABLE', message: 'bad bytes' },
  });
  return {
    ...log,
    readToEnd: (name, options) =>
      log.readToEnd(name, {
        ...options,
        onRecords: (records) =>
          options.onRecords(name === topic ? records.map((r, i) => (i === 0 ? poison(r) : r)) : records),
      }),
  };
}

describe('materializer', () => {
  it('skips undecodable and unservable records, counts them, and serves the rest', async () => {
    const log = createInProcessEventLog();
    await log.ensureTopics(readApiLogTopics(topics));
    const good = Array.from({ length: 5 }, (_, i) => currentEvent(syntheticConfig(i), [{ sourceId: 's' }]));
    const broken = { ...currentEvent(syntheticConfig(9), [{ sourceId: 's' }]), config: '{not json' };
    // One partition's records come in one batch; put everything on partition 0 so the poisoned one is known.
    await log.append(
      [...good, broken].map((e) => ({
        topic: topics.read.current,
        key: e.fingerprint,
        value: e,
        partition: 0,
      })),
    );

    const registry = createMetricsRegistry({ service: 'test', collectProcessMetrics: false });
    const metrics = createReadApiMetrics(registry);
    const state = createReadState();
    const materializer = createMaterializer({
      log: withPoison(log, topics.read.current),
      topics,
      state,
      logger: pino({ level: 'silent' }),
      metrics,
    });
    materializer.start();
    await materializer.caughtUp;
    try {
      expect(materializer.isReady()).toBe(true);
      expect(state.configCount()).toBe(4);
      const text = await registry.metrics();
      expect(text).toMatch(/submerge_read_api_records_applied_total\{[^}]*outcome="undecodable"[^}]*\} 1/);
      expect(text).toMatch(/submerge_read_api_records_applied_total\{[^}]*outcome="rejected"[^}]*\} 1/);
      expect(text).toMatch(/submerge_read_api_state_lag_records\{[^}]*topic="configs.current.v1"[^}]*\} 0/);
      expect([...materializer.lag().values()].every((lag) => lag === 0)).toBe(true);
    } finally {
      await materializer.stop();
      await log.close();
    }
  });

  it('applies what arrives after the catch-up exactly once', async () => {
    const log = createInProcessEventLog();
    await log.ensureTopics(readApiLogTopics(topics));
    const first = currentEvent(syntheticConfig(1), [{ sourceId: 's' }]);
    // Same partition for both: a follower that started at the beginning would meet the first again.
    await log.append([{ topic: topics.read.current, key: first.fingerprint, value: first, partition: 0 }]);
    const state = createReadState();
    let applied = 0;
    const materializer = createMaterializer({
      log,
      topics,
      state,
      logger: pino({ level: 'silent' }),
      onApplied: () => (applied += 1),
    });
    materializer.start();
    await materializer.caughtUp;
    try {
      const changesAfterCatchUp = state.changes;
      const second = currentEvent(syntheticConfig(2), [{ sourceId: 's' }]);
      await log.append([
        { topic: topics.read.current, key: second.fingerprint, value: second, partition: 0 },
      ]);
      await expect.poll(() => state.configCount()).toBe(2);
      // The follower starts where the catch-up stopped: the first record is not applied again.
      expect(state.changes - changesAfterCatchUp).toBe(1);
      expect(applied).toBeGreaterThan(0);
    } finally {
      await materializer.stop();
      await log.close();
    }
  });
});
