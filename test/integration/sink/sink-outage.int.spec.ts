import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fp, observed } from './event-builders.ts';
import { createSinkFixture, waitFor } from './sink-fixture.ts';
import type { SinkFixture } from './sink-fixture.ts';
import { startSink } from './sink-harness.ts';
import type { InProcessSink } from './sink-harness.ts';
import { freePort, startShim } from './processes.ts';
import type { Child } from './processes.ts';

const HOUR = 3_600_000;
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;
const BEFORE = 2_000;
const DURING = 30_000;
const BATCH = 500;

const observations = (from: number, count: number) =>
  Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return observed(`outage-o${i}`, fp(`c${i % 700}`), `src-${i % 5}`, T0 + (i % 6) * HOUR + i);
  });

// A ClickHouse of its own (clickhouse-local on a test port) that the test kills and restarts:
// the sink must pause without committing or buffering without bound, then catch up.
describe('sink through a ClickHouse outage', () => {
  let dataDir: string;
  let port: number;
  let shim: Child | null = null;
  let fx: SinkFixture;
  let sink: InProcessSink | null = null;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'submerge-outage-'));
    port = await freePort();
    shim = await startShim(dataDir, port);
    fx = await createSinkFixture('outage', `http://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await sink?.stop();
    if (shim === null || shim.process.exitCode !== null || shim.process.signalCode !== null)
      shim = await startShim(dataDir, port);
    await fx?.cleanup();
    await shim?.kill('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('pauses while ClickHouse is down, commits nothing, stops fetching, and catches up without loss or duplicates', async () => {
    sink = await startSink(fx, {
      maxBatchRecords: BATCH,
      flushIntervalMs: 100,
      insertRetry: { initialDelayMs: 100, maxDelayMs: 500, maxAttempts: Number.POSITIVE_INFINITY },
    });
    const first = observations(0, BEFORE);
    await fx.produce(
      'configs.observed.v1',
      first.map((v) => ({ key: v.fingerprint, value: v })),
    );
    await waitFor(
      'the first records committed',
      async () => (await fx.committedRecords(sink!.group, ['configs.observed.v1'])) === BEFORE,
    );

    // Outage: the server process dies (in-flight requests with it).
    await shim!.kill('SIGKILL');
    const second = observations(BEFORE, DURING);
    await fx.produce(
      'configs.observed.v1',
      second.map((v) => ({ key: v.fingerprint, value: v })),
    );
    await waitFor('the sink to pause', () => Promise.resolve(sink!.run.stats().paused), 60_000);
    // Give it time to do the wrong thing: commit, or keep pulling records into memory.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await fx.committedRecords(sink.group, ['configs.observed.v1'])).toBe(BEFORE);
    const { receivedRecords, bufferedRecords } = sink.run.stats();
    // At most the batch being retried, the next full buffer and one fetched Kafka batch per partition.
    expect(receivedRecords - BEFORE).toBeLessThan(DURING / 2);
    expect(bufferedRecords).toBeLessThanOrEqual(DURING / 2);
    expect(sink.run.state()).toBe('running');

    shim = await startShim(dataDir, port);
    await waitFor(
      'every record committed after the outage',
      async () => (await fx.committedRecords(sink!.group, ['configs.observed.v1'])) === BEFORE + DURING,
      180_000,
      250,
    );
    expect(sink.run.stats().paused).toBe(false);
    expect(await fx.scalar('SELECT count() FROM config_observations FINAL')).toBe(BEFORE + DURING);
    expect(await fx.scalar('SELECT uniqExact(event_id) FROM config_observations')).toBe(BEFORE + DURING);
    expect(
      await fx.scalar(
        'SELECT uniqExactMerge(c) FROM (SELECT uniqExactState(fingerprint) AS c FROM config_sources_daily)',
      ),
    ).toBe(700);
  });
});
