import { randomBytes } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/** How a suite reaches one ClickHouse: a client factory (optionally scoped to a database). */
export interface ClickHouseContractTarget {
  connect(database?: string): ClickHouseClient;
  /** Runs after every client the suite made is closed. */
  teardown?(): Promise<void>;
}

async function rows<T>(
  client: ClickHouseClient,
  query: string,
  query_params?: Record<string, unknown>,
): Promise<T[]> {
  const rs = await client.query({ query, format: 'JSONEachRow', ...(query_params ? { query_params } : {}) });
  return rs.json<T>();
}

/**
 * What submerge relies on from ClickHouse, run unchanged against every way we reach it:
 * embedded chDB (unit project), the local HTTP shim (integration project), and a real server
 * wherever one is configured. Every test works in its own database, dropped afterwards.
 */
export function clickHouseContract(label: string, makeTarget: () => Promise<ClickHouseContractTarget>): void {
  describe(`ClickHouse contract: ${label}`, () => {
    let target: ClickHouseContractTarget;
    let admin: ClickHouseClient;
    let db: string;
    let ch: ClickHouseClient;

    beforeAll(async () => {
      target = await makeTarget();
      admin = target.connect();
    });
    afterAll(async () => {
      await admin?.close();
      await target?.teardown?.();
    });
    beforeEach(async () => {
      db = `contract_${randomBytes(6).toString('hex')}`;
      await admin.command({ query: `CREATE DATABASE ${db}` });
      ch = target.connect(db);
    });
    afterEach(async () => {
      await ch.close();
      await admin.command({ query: `DROP DATABASE IF EXISTS ${db} SYNC` });
    });

    it('answers ping', async () => {
      await expect(ch.ping()).resolves.toEqual({ success: true });
    });

    it('resolves unqualified table names in the configured database', async () => {
      await ch.command({ query: 'CREATE TABLE scoped (x UInt8) ENGINE = MergeTree ORDER BY x' });
      expect(await rows(ch, 'SELECT currentDatabase() AS db')).toEqual([{ db }]);
      expect(
        await rows(admin, 'SELECT name FROM system.tables WHERE database = {db:String}', { db }),
      ).toEqual([{ name: 'scoped' }]);
    });

    it('stores DateTime64(3, UTC) to the millisecond and keeps LowCardinality(String) columns', async () => {
      await ch.command({
        query: `CREATE TABLE events (id String, at DateTime64(3, 'UTC'), kind LowCardinality(String))
                ENGINE = MergeTree ORDER BY (kind, at)`,
      });
      await ch.insert({
        table: 'events',
        format: 'JSONEachRow',
        values: [
          { id: 'a', at: '2024-05-06 07:08:09.123', kind: 'vless' },
          { id: 'b', at: '2024-05-06 07:08:09.124', kind: 'trojan' },
        ],
      });
      const rs = await ch.query({
        query: 'SELECT id, at, kind, toUnixTimestamp64Milli(at) AS ms FROM events ORDER BY at',
        format: 'JSON',
      });
      const json = await rs.json<{ id: string; at: string; kind: string; ms: string }>();
      expect(json.meta).toEqual([
        { name: 'id', type: 'String' },
        { name: 'at', type: "DateTime64(3, 'UTC')" },
        { name: 'kind', type: 'LowCardinality(String)' },
        { name: 'ms', type: 'Int64' },
      ]);
      // 64-bit integers arrive quoted, as from a 24.8 server, whatever the engine's default.
      expect(json.data).toEqual([
        { id: 'a', at: '2024-05-06 07:08:09.123', kind: 'vless', ms: '1714979289123' },
        { id: 'b', at: '2024-05-06 07:08:09.124', kind: 'trojan', ms: '1714979289124' },
      ]);
    });

    it('inserts JSONEachRow rows through client.insert', async () => {
      await ch.command({
        query: 'CREATE TABLE numbers_in (n UInt32, label String) ENGINE = MergeTree ORDER BY n',
      });
      const values = Array.from({ length: 1000 }, (_, n) => ({ n, label: `row "${n}"\t\\` }));
      await ch.insert({ table: 'numbers_in', format: 'JSONEachRow', values });
      expect(await rows(ch, 'SELECT count() AS c, sum(n) AS s FROM numbers_in')).toEqual([
        { c: '1000', s: '499500' },
      ]);
      expect(await rows(ch, 'SELECT label FROM numbers_in WHERE n = 7')).toEqual([{ label: 'row "7"\t\\' }]);
    });

    it('drops rows past the table TTL when parts merge', async () => {
      await ch.command({
        query: `CREATE TABLE fetches (at DateTime, source String) ENGINE = MergeTree ORDER BY at
                TTL at + INTERVAL 1 DAY`,
      });
      await ch.command({
        query: `INSERT INTO fetches VALUES (now() - INTERVAL 3 DAY, 'old'), (now(), 'fresh')`,
      });
      await ch.command({ query: 'OPTIMIZE TABLE fetches FINAL' });
      expect(await rows(ch, 'SELECT source FROM fetches')).toEqual([{ source: 'fresh' }]);
      const [table] = await rows<{ create_table_query: string }>(
        admin,
        `SELECT create_table_query FROM system.tables WHERE database = {db:String} AND name = 'fetches'`,
        { db },
      );
      expect(table?.create_table_query).toMatch(/TTL at \+ (toIntervalDay\(1\)|INTERVAL 1 DAY)/);
    });

    it('keeps only the highest version of each key with ReplacingMergeTree and FINAL', async () => {
      await ch.command({
        query: `CREATE TABLE configs (fingerprint String, version UInt64, name String)
                ENGINE = ReplacingMergeTree(version) ORDER BY fingerprint`,
      });
      // Separate inserts make separate parts, so the duplicates really exist until a merge.
      for (const row of [
        { fingerprint: 'f1', version: 1, name: 'first' },
        { fingerprint: 'f1', version: 3, name: 'newest' },
        { fingerprint: 'f1', version: 2, name: 'late but older' },
        { fingerprint: 'f2', version: 1, name: 'only' },
      ]) {
        await ch.insert({ table: 'configs', format: 'JSONEachRow', values: [row] });
      }
      expect(
        await rows(ch, 'SELECT fingerprint, version, name FROM configs FINAL ORDER BY fingerprint'),
      ).toEqual([
        { fingerprint: 'f1', version: '3', name: 'newest' },
        { fingerprint: 'f2', version: '1', name: 'only' },
      ]);
    });

    it('fills a materialized view on insert', async () => {
      await ch.command({
        query:
          'CREATE TABLE observations (source String, at DateTime, configs UInt32) ENGINE = MergeTree ORDER BY (source, at)',
      });
      await ch.command({
        query: `CREATE TABLE source_hourly (source String, hour DateTime, fetches UInt64, configs UInt64)
                ENGINE = SummingMergeTree ORDER BY (source, hour)`,
      });
      await ch.command({
        query: `CREATE MATERIALIZED VIEW source_hourly_mv TO source_hourly AS
                SELECT source, toStartOfHour(at) AS hour, count() AS fetches, sum(configs) AS configs
                FROM observations GROUP BY source, hour`,
      });
      await ch.insert({
        table: 'observations',
        format: 'JSONEachRow',
        values: [
          { source: 's1', at: '2024-05-06 07:05:00', configs: 10 },
          { source: 's1', at: '2024-05-06 07:55:00', configs: 12 },
          { source: 's1', at: '2024-05-06 08:01:00', configs: 7 },
        ],
      });
      await ch.insert({
        table: 'observations',
        format: 'JSONEachRow',
        values: [{ source: 's2', at: '2024-05-06 07:30:00', configs: 3 }],
      });
      expect(
        await rows(
          ch,
          `SELECT source, hour, sum(fetches) AS fetches, sum(configs) AS configs
           FROM source_hourly GROUP BY source, hour ORDER BY source, hour`,
        ),
      ).toEqual([
        { source: 's1', hour: '2024-05-06 07:00:00', fetches: '2', configs: '22' },
        { source: 's1', hour: '2024-05-06 08:00:00', fetches: '1', configs: '7' },
        { source: 's2', hour: '2024-05-06 07:00:00', fetches: '1', configs: '3' },
      ]);
    });

    it('binds typed query_params exactly, strings and millisecond Dates included', async () => {
      const awkward = `it's a \\ backslash,\ta tab,\na newline and ünïcödé`;
      const at = new Date('2024-05-06T07:08:09.123Z');
      expect(
        await rows(
          ch,
          `SELECT {id:String} AS id, {t:DateTime64(3, 'UTC')} AS t, toUnixTimestamp64Milli({t:DateTime64(3)}) AS ms,
                  {ids:Array(String)} AS ids, {n:UInt64} AS n`,
          { id: awkward, t: at, ids: ["o'brien", 'back\\slash'], n: 18_446_744_073_709_551_615n },
        ),
      ).toEqual([
        {
          id: awkward,
          t: '2024-05-06 07:08:09.123',
          ms: String(at.getTime()),
          ids: ["o'brien", 'back\\slash'],
          n: '18446744073709551615',
        },
      ]);

      await ch.command({
        query: `CREATE TABLE seen (id String, at DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY id`,
      });
      await ch.insert({
        table: 'seen',
        format: 'JSONEachRow',
        values: [
          { id: awkward, at: '2024-05-06 07:08:09.123' },
          { id: awkward, at: '2024-05-06 07:08:09.124' },
          { id: 'other', at: '2024-05-06 07:08:09.123' },
        ],
      });
      expect(
        await rows(ch, 'SELECT count() AS c FROM seen WHERE id = {id:String} AND at = {t:DateTime64(3)}', {
          id: awkward,
          t: at,
        }),
      ).toEqual([{ c: '1' }]);
    });

    it('keeps concurrent queries apart: each sees its own parameters and database', async () => {
      const ids = Array.from({ length: 40 }, (_, i) => `id-${i}-${'x'.repeat(i)}`);
      const results = await Promise.all(
        ids.map((id) =>
          rows<{ id: string; db: string }>(ch, 'SELECT {id:String} AS id, currentDatabase() AS db', { id }),
        ),
      );
      expect(results).toEqual(ids.map((id) => [{ id, db }]));
    });

    it('fails every query of a client whose database does not exist with UNKNOWN_DATABASE', async () => {
      const lost = target.connect(`${db}_missing`);
      try {
        await expect(lost.query({ query: 'SELECT 1' })).rejects.toMatchObject({
          code: '81',
          type: 'UNKNOWN_DATABASE',
        });
      } finally {
        await lost.close();
      }
    });

    it('applies clickhouse_settings to one query only', async () => {
      const setting = `SELECT toString(getSetting('max_block_size')) AS v`;
      const once = await ch.query({
        query: setting,
        format: 'JSONEachRow',
        clickhouse_settings: { max_block_size: '1234' },
      });
      expect(await once.json()).toEqual([{ v: '1234' }]);
      const after = await rows<{ v: string }>(ch, setting);
      expect(after[0]?.v).not.toBe('1234');
    });

    it("surfaces bad SQL as an error carrying ClickHouse's code and name", async () => {
      await expect(ch.query({ query: 'SELEC 1' })).rejects.toMatchObject({
        code: '62',
        type: 'SYNTAX_ERROR',
      });
      await expect(ch.query({ query: 'SELECT * FROM no_such_table' })).rejects.toMatchObject({
        code: '60',
        type: 'UNKNOWN_TABLE',
      });
      await expect(
        ch.insert({ table: 'no_such_table', format: 'JSONEachRow', values: [{ x: 1 }] }),
      ).rejects.toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
    });
  });
}
