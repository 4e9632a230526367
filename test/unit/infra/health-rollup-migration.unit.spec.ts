import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseLogLevel } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overviewRequest, sourceStandingQuery } from '../../../services/core/analytics/overview.ts';
import { createClickHouse } from '../../../services/shared/clickhouse/create-client.ts';
import { loadMigrations } from '../../../services/shared/clickhouse/migration-files.ts';
import { migrateDatabase } from '../../../services/shared/clickhouse/migrate.ts';
import { createTimeFormatter, healthRow } from '../../../services/sink/event-rows.ts';
import { health } from '../../integration/sink/event-builders.ts';

const QUIET = { log: { level: ClickHouseLogLevel.OFF } } as const;
const DAY = 86_400_000;
const D0 = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
const time = createTimeFormatter();

describe('the source_health_daily rollup (migration 017) on chDB', () => {
  let dataDir: string;
  let ch: ClickHouseClient;
  const config = () => ({ mode: 'embedded' as const, dataDir, database: 'rollup' });
  const insertHealth = async (events: readonly ReturnType<typeof health>[]): Promise<void> => {
    const rows = events.map((e, i) => {
      const r = healthRow(
        e,
        { topic: 't', partition: 0, offset: String(i), timestamp: 0, key: e.sourceId },
        time,
      );
      if (r.kind !== 'row') throw new Error('not mapped');
      return r.row;
    });
    await ch.insert({ table: 'source_health', values: rows, format: 'JSONEachRow' });
  };
  const standing = async () => {
    const q = sourceStandingQuery(
      overviewRequest({ from: D0, to: D0 + 2 * DAY, limit: 10, minFetches: 1 }, D0),
    );
    const rs = await ch.query({ query: q.sql, query_params: q.params, format: 'JSONEachRow' });
    const rows = await rs.json<{ source_id: string; reliability: number; status: string }>();
    return rows.map((r) => [r.source_id, r.reliability, r.status]).sort();
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'submerge-rollup-'));
    const all = await loadMigrations();
    // The schema as it was before the rollup existed, with health already stored.
    await migrateDatabase(config(), { client: QUIET, migrations: all.filter((m) => m.version < 17) });
    ch = createClickHouse(config(), QUIET);
    await insertHealth([
      health('a1', 'src-a', D0 + 1_000, { reliability: 0.9 }),
      health('a2', 'src-a', D0 + 2_000, { status: 'degraded', reliability: 0.4 }),
      health('b1', 'src-b', D0 + 1_000, { reliability: 0.7 }),
    ]);
    await migrateDatabase(config(), { client: QUIET, migrations: all });
  }, 120_000);
  afterAll(async () => {
    await ch?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('backfills the health stored before it, at each day’s last change', async () => {
    expect(await standing()).toEqual([
      ['src-a', 0.4, 'degraded'],
      ['src-b', 0.7, 'healthy'],
    ]);
  });

  it('follows new changes through its view and ignores redelivered ones', async () => {
    const later = [health('a3', 'src-a', D0 + DAY + 5_000, { reliability: 0.8 })];
    await insertHealth(later);
    await insertHealth(later);
    // A redelivered older change does not win over the newer one.
    await insertHealth([health('b1', 'src-b', D0 + 1_000, { reliability: 0.7 })]);
    expect(await standing()).toEqual([
      ['src-a', 0.8, 'healthy'],
      ['src-b', 0.7, 'healthy'],
    ]);
  });

  it('leaves a source out once a tombstone removed it', async () => {
    const tomb = healthRow(
      null,
      { topic: 't', partition: 0, offset: '99', timestamp: D0 + DAY + 9_000, key: 'src-b' },
      time,
    );
    if (tomb.kind !== 'row') throw new Error('not mapped');
    await ch.insert({ table: 'source_health', values: [tomb.row], format: 'JSONEachRow' });
    expect(await standing()).toEqual([['src-a', 0.8, 'healthy']]);
  });
});
