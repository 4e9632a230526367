import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameBasedUuid } from '../../../services/shared/events/event-metadata.ts';
import { current, fetched, fp, observed, probed, snapshot } from './event-builders.ts';
import { createSinkFixture, waitFor } from './sink-fixture.ts';
import type { SinkFixture } from './sink-fixture.ts';
import { startSink } from './sink-harness.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Recent times: the tables' TTLs drop rows older than their retention on insert.
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;

describe('ClickHouse sink over the real broker', () => {
  let fx: SinkFixture;

  beforeAll(async () => {
    fx = await createSinkFixture('sink');
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it('writes every pipeline topic to its table once, without bodies, and keeps tombstones as deletions', async () => {
    const fetches = Array.from({ length: 30 }, (_, i) =>
      fetched(`f${i}`, `src-${i % 3}`, T0 + i * MIN, {
        outcome: i % 5 === 0 ? 'timeout' : 'ok',
        totalMs: 100 + i,
      }),
    );
    await fx.produce(
      'sources.fetched.v1',
      fetches.map((v) => ({ key: v.sourceId, value: v })),
    );
    await fx.produce('sources.snapshots.v1', [
      {
        key: 'src-0',
        value: snapshot('s0', 'src-0', T0, { uniqueConfigs: 5, added: 5, diagnostics: { INVALID_PORT: 2 } }),
      },
    ]);
    const observations = Array.from({ length: 200 }, (_, i) =>
      observed(`o${i}`, fp(`c${i % 50}`), `src-${i % 4}`, T0 + i * 1000),
    );
    await fx.produce(
      'configs.observed.v1',
      observations.map((v) => ({ key: v.fingerprint, value: v })),
    );
    await fx.produce('configs.current.v1', [
      { key: fp('c1'), value: current('cur1', fp('c1'), ['src-0', 'src-1'], T0) },
      { key: fp('c1'), value: null },
    ]);
    await fx.produce('configs.probed.v1', [{ key: fp('c1'), value: probed('p1', fp('c1'), T0) }]);

    const sink = await startSink(fx);
    try {
      await waitFor(
        'all rows',
        async () =>
          (await fx.scalar('SELECT count() FROM config_observations')) >= 200 &&
          (await fx.scalar('SELECT count() FROM fetch_events')) >= 30,
      );
      await waitFor(
        'the rest',
        async () => (await fx.scalar('SELECT count() FROM config_current_changes')) >= 2,
      );
    } finally {
      await sink.stop();
    }

    expect(await fx.scalar('SELECT count() FROM fetch_events FINAL')).toBe(30);
    expect(await fx.scalar('SELECT uniqExact(event_id) FROM fetch_events')).toBe(30);
    expect(await fx.scalar("SELECT countIf(body_sha256 != '') FROM fetch_events")).toBe(24);
    expect(await fx.scalar('SELECT count() FROM config_observations FINAL')).toBe(200);
    expect(await fx.scalar('SELECT count() FROM source_snapshots FINAL')).toBe(1);
    expect(await fx.scalar('SELECT count() FROM config_probes FINAL')).toBe(1);
    expect(
      await fx.scalar(
        'SELECT countIf(deleted) FROM config_current_changes FINAL WHERE fingerprint = {f:String}',
        { f: fp('c1') },
      ),
    ).toBe(1);
    // Rows are exact copies of the events they came from.
    const rs = await fx.ch.query({
      query: `SELECT toString(event_id) AS id, toUnixTimestamp64Milli(fetched_at) AS at, source_id, outcome, total_ms
              FROM fetch_events FINAL WHERE event_id = {id:UUID}`,
      query_params: { id: nameBasedUuid('f5') },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      {
        id: nameBasedUuid('f5'),
        at: String(T0 + 5 * MIN),
        source_id: 'src-2',
        outcome: 'timeout',
        total_ms: 105,
      },
    ]);
  });
});
