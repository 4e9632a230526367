import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseLogLevel } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { createClickHouse } from '../../../services/shared/clickhouse/create-client.ts';
import { migrateDatabase } from '../../../services/shared/clickhouse/migrate.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';
import { DLQ_HEADERS } from '../../../services/shared/runtime/dlq-headers.ts';
import { runSink } from '../../../services/sink/run-sink.ts';
import type { SinkRun } from '../../../services/sink/run-sink.ts';
import { createSinkMetrics } from '../../../services/sink/sink-metrics.ts';
import { sinkRoutes } from '../../../services/sink/sink-routes.ts';
import { fetched, fp, observed } from '../../integration/sink/event-builders.ts';

// The sink's loop on the embedded runner: the in-process bus and chDB in this process (one data
// directory per test file, as chDB binds one per process). The Kafka and outage proofs are in
// test/integration/sink.
const QUIET = { log: { level: ClickHouseLogLevel.OFF } } as const;
const HOUR = 3_600_000;
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
const routes = sinkRoutes();
const DLQ = 'dlq.clickhouse-sink.v1';

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('runSink on the in-process event log and embedded chDB', () => {
  let dataDir: string;
  let ch: ClickHouseClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'submerge-sink-'));
    const config = { mode: 'embedded', dataDir, database: 'history' } as const;
    await migrateDatabase(config, { client: QUIET });
    ch = createClickHouse(config, QUIET);
  });
  afterAll(async () => {
    await ch?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const count = async (sql: string): Promise<number> => {
    const rs = await ch.query({ query: sql, format: 'JSONEachRow' });
    const [row] = await rs.json<Record<string, string>>();
    return Number(Object.values(row ?? {})[0]);
  };

  const start = async (log: EventLog, group: string, maxBatchRecords = 50): Promise<SinkRun> => {
    await log.ensureTopics(
      routes.map((r) => ({ name: r.topic, partitions: r.spec.partitions, compacted: false })),
    );
    return runSink({
      log,
      clickhouse: ch,
      routes,
      group,
      transactionalId: `${group}.0`,
      logger: pino({ level: 'silent' }),
      metrics: createSinkMetrics(new Registry()),
      maxBatchRecords,
      flushIntervalMs: 50,
      heartbeatEveryMs: 20,
    });
  };

  it('stores the events, commits the offsets after them, and parks events it cannot store in the DLQ', async () => {
    const log = createInProcessEventLog();
    const run = await start(log, 'sink-a');
    const good = Array.from({ length: 120 }, (_, i) =>
      observed(`run-o${i}`, fp(`k${i % 7}`), `src-${i % 3}`, T0 + i),
    );
    const bad = {
      ...observed('run-bad', fp('k1'), 'src-1', T0),
      metadata: { ...observed('run-bad', fp('k1'), 'src-1', T0).metadata, eventId: 'nope' },
    };
    await log.append(
      [...good, bad].map((v) => ({ topic: 'configs.observed.v1', key: v.fingerprint, value: v })),
    );
    await log.append([{ topic: 'sources.fetched.v1', key: 'src-1', value: fetched('run-f1', 'src-1', T0) }]);

    const ends = async (topic: string) =>
      [...(await log.endOffsets(topic)).values()].reduce((t, o) => t + Number(o), 0);
    const committed = async (topic: string) =>
      [...(await log.committedOffsets('sink-a', topic)).values()].reduce((t, o) => t + Number(o), 0);
    await until(
      'every record committed',
      async () =>
        (await committed('configs.observed.v1')) === (await ends('configs.observed.v1')) &&
        (await committed('sources.fetched.v1')) === 1,
    );
    expect(
      await count("SELECT count() FROM config_observations FINAL WHERE startsWith(producer, 'parser')"),
    ).toBe(120);
    expect(await count('SELECT count() FROM fetch_events FINAL')).toBe(1);
    const parked: { headers: Readonly<Record<string, string>> }[] = [];
    await log.readToEnd(DLQ, { onRecords: (records) => void parked.push(...records) });
    expect(parked.map((r) => [r.headers[DLQ_HEADERS.errorCode], r.headers[DLQ_HEADERS.sourceTopic]])).toEqual(
      [['SINK_INVALID_EVENT_ID', 'configs.observed.v1']],
    );
    expect(run.stats()).toMatchObject({ receivedRecords: 122, committedRecords: 122, bufferedRecords: 0 });
    await run.stop();
    expect(run.state()).toBe('stopped');
    await log.close();
  });

  it('commits nothing and crashes when ClickHouse refuses the table itself', async () => {
    const log = createInProcessEventLog();
    await ch.command({ query: 'RENAME TABLE fetch_events TO fetch_events_away' });
    try {
      const run = await start(log, 'sink-b');
      await log.append([
        { topic: 'sources.fetched.v1', key: 'src-9', value: fetched('run-f9', 'src-9', T0) },
      ]);
      await expect(run.done).rejects.toMatchObject({ code: 'SINK_INSERT_FAILED' });
      expect(run.state()).toBe('failed');
      expect((await log.committedOffsets('sink-b', 'sources.fetched.v1')).size).toBe(0);
    } finally {
      await ch.command({ query: 'RENAME TABLE fetch_events_away TO fetch_events' });
      await log.close();
    }
  });
});
