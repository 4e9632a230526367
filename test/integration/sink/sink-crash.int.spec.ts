import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sinkGroup } from '../../../services/sink/sink-routes.ts';
import { fetched, fp, observed } from './event-builders.ts';
import { createSinkFixture, waitFor } from './sink-fixture.ts';
import type { SinkFixture } from './sink-fixture.ts';
import { spawnEntry, waitForLine } from './processes.ts';
import type { Child } from './processes.ts';

const HOUR = 3_600_000;
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
const OBSERVATIONS = 12_000;
const FETCHES = 600;
const SOURCES = 7;
const TOPICS = ['configs.observed.v1', 'sources.fetched.v1'] as const;

// The sink as a real process: kill -9 while a batch is stored in ClickHouse but its offsets are
// not committed yet, restart it, and count. The history must hold every event exactly once.
describe('sink killed with SIGKILL mid-batch', () => {
  let fx: SinkFixture;
  const children: Child[] = [];
  const group = (): string => sinkGroup('clickhouse-sink', { prefix: fx.prefix });

  const startChild = (): Child => {
    const child = spawnEntry(
      'services/sink/main.ts',
      ['--batch-records', '400', '--flush-interval-ms', '100', '--session-timeout-ms', '6000'],
      {
        SUBMERGE_KAFKA_BROKERS: fx.brokers.join(','),
        SUBMERGE_SCHEMA_REGISTRY_URL: fx.schemaRegistryUrl,
        SUBMERGE_CLICKHOUSE_URL: fx.clickhouseUrl,
        SUBMERGE_CLICKHOUSE_DATABASE: fx.database,
        SUBMERGE_TOPIC_PREFIX: fx.prefix,
        SUBMERGE_INSTANCE_ID: 'crash-0',
        SUBMERGE_LOG_LEVEL: 'info',
      },
    );
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    fx = await createSinkFixture('crash');
  });
  afterAll(async () => {
    await Promise.allSettled(children.map((c) => c.kill('SIGKILL')));
    await fx?.cleanup();
  });

  it('stores every event exactly once after a kill -9 between insert and commit', async () => {
    const observations = Array.from({ length: OBSERVATIONS }, (_, i) =>
      observed(`crash-o${i}`, fp(`c${i % 900}`), `src-${i % SOURCES}`, T0 + (i % 20) * HOUR + i, {
        protocol: ['vless', 'trojan', 'ss'][i % 3] ?? 'vless',
      }),
    );
    const fetches = Array.from({ length: FETCHES }, (_, i) =>
      fetched(`crash-f${i}`, `src-${i % SOURCES}`, T0 + (i % 20) * HOUR + i * 1000, {
        outcome: i % 4 === 0 ? 'timeout' : 'ok',
        totalMs: 10 + (i % 50),
      }),
    );
    await fx.produce(
      'configs.observed.v1',
      observations.map((v) => ({ key: v.fingerprint, value: v })),
    );
    await fx.produce(
      'sources.fetched.v1',
      fetches.map((v) => ({ key: v.sourceId, value: v })),
    );
    const total = OBSERVATIONS + FETCHES;

    const first = startChild();
    await waitForLine(first, 'sink started');
    // Freeze the process (SIGSTOP) at random moments until ClickHouse holds rows whose offsets
    // are not committed: that is "mid-batch". Killing it then forces a redelivery of stored rows.
    let stored = 0;
    let committed = 0;
    for (let attempt = 0; ; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 15 + (attempt % 5) * 7));
      first.process.kill('SIGSTOP');
      stored =
        (await fx.scalar('SELECT uniqExact(event_id) FROM config_observations')) +
        (await fx.scalar('SELECT uniqExact(event_id) FROM fetch_events'));
      committed = await fx.committedRecords(group(), TOPICS);
      if (stored > committed) break;
      if (stored >= total) throw new Error('the sink finished before a mid-batch moment was caught');
      first.process.kill('SIGCONT');
    }
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');
    expect(stored).toBeGreaterThan(committed);
    expect(stored).toBeLessThan(total);

    const second = startChild();
    await waitFor(
      'every record committed',
      async () => (await fx.committedRecords(group(), TOPICS)) === total,
      120_000,
      250,
    );
    await second.kill('SIGTERM');

    // Raw rows: the redelivered batch was inserted a second time...
    const raw =
      (await fx.scalar('SELECT count() FROM config_observations')) +
      (await fx.scalar('SELECT count() FROM fetch_events'));
    expect(raw).toBeGreaterThanOrEqual(total);
    // ...and readers see each event once: FINAL, and rollups built from duplicate-insensitive states.
    expect(await fx.scalar('SELECT count() FROM config_observations FINAL')).toBe(OBSERVATIONS);
    expect(await fx.scalar('SELECT count() FROM fetch_events FINAL')).toBe(FETCHES);
    expect(await fx.scalar('SELECT uniqExact(event_id) FROM config_observations')).toBe(OBSERVATIONS);

    const expectedFetches = new Map<string, { fetches: number; failures: number }>();
    for (const f of fetches) {
      const key = `${f.sourceId}@${Math.floor(f.metadata.eventTime / HOUR) * HOUR}`;
      const entry = expectedFetches.get(key) ?? { fetches: 0, failures: 0 };
      entry.fetches += 1;
      if (f.outcome !== 'ok') entry.failures += 1;
      expectedFetches.set(key, entry);
    }
    const hourly = await fx.ch.query({
      query: `SELECT source_id, toUnixTimestamp(hour) * 1000 AS hour, length(groupUniqArrayArray(fetch_ids)) AS fetches,
                     length(groupUniqArrayArray(failure_ids)) AS failures
              FROM source_hourly GROUP BY source_id, hour`,
      format: 'JSONEachRow',
    });
    const actualFetches = new Map(
      (await hourly.json<{ source_id: string; hour: string; fetches: string; failures: string }>()).map(
        (r) => [`${r.source_id}@${r.hour}`, { fetches: Number(r.fetches), failures: Number(r.failures) }],
      ),
    );
    expect(actualFetches).toEqual(expectedFetches);

    const expectedSources = new Map<string, Set<string>>();
    for (const o of observations) {
      const key = `${o.fingerprint}@${Math.floor(o.fetchedAt / HOUR) * HOUR}`;
      const set = expectedSources.get(key) ?? new Set<string>();
      set.add(o.sourceId);
      expectedSources.set(key, set);
    }
    const perConfig = await fx.ch.query({
      query: `SELECT fingerprint, toUnixTimestamp(hour) * 1000 AS hour, uniqCombinedMerge(sources) AS sources
              FROM config_hourly GROUP BY fingerprint, hour`,
      format: 'JSONEachRow',
    });
    const actualSources = new Map(
      (await perConfig.json<{ fingerprint: string; hour: string; sources: string }>()).map((r) => [
        `${r.fingerprint}@${r.hour}`,
        Number(r.sources),
      ]),
    );
    expect(actualSources).toEqual(new Map([...expectedSources].map(([k, v]) => [k, v.size])));
  });
});
