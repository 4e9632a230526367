import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseLogLevel } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../../../services/shared/clickhouse/create-client.ts';
import {
  loadMigrations,
  orderMigrations,
  parseMigration,
} from '../../../../services/shared/clickhouse/migration-files.ts';
import { MIGRATION_ERROR } from '../../../../services/shared/clickhouse/migration-error.ts';
import { planMigrations } from '../../../../services/shared/clickhouse/migration-plan.ts';
import { migrate, migrateDatabase, migrationStatus } from '../../../../services/shared/clickhouse/migrate.ts';
import { splitSqlStatements } from '../../../../services/shared/clickhouse/sql-statements.ts';

const QUIET = { log: { level: ClickHouseLogLevel.OFF } } as const;

describe('splitSqlStatements', () => {
  it('splits at top-level semicolons and drops comment-only tails', () => {
    expect(
      splitSqlStatements('CREATE TABLE a (x UInt8) ENGINE = Memory;\n-- a view\nSELECT 1;\n-- trailing\n'),
    ).toEqual(['CREATE TABLE a (x UInt8) ENGINE = Memory', '-- a view\nSELECT 1']);
  });

  it('keeps semicolons inside strings, quoted identifiers and comments', () => {
    const sql = "SELECT 'a;b', \"c;d\", `e;f` -- g;h\n/* i;j */ FROM t; SELECT 'it''s;', 'x\\';y'";
    expect(splitSqlStatements(sql)).toEqual([
      'SELECT \'a;b\', "c;d", `e;f` -- g;h\n/* i;j */ FROM t',
      "SELECT 'it''s;', 'x\\';y'",
    ]);
  });
});

describe('migration files and plan', () => {
  const file = (name: string, sql = 'SELECT 1') => parseMigration(name, sql);

  it('reads version and name from NNN_name.sql and refuses other names', () => {
    expect(file('007_source_health.sql')).toMatchObject({
      version: 7,
      name: 'source_health',
      statements: ['SELECT 1'],
    });
    for (const bad of ['7_x.sql', '007-x.sql', '007_X.sql', '007_.sql']) {
      expect(() => file(bad), bad).toThrow(expect.objectContaining({ code: MIGRATION_ERROR.invalidName }));
    }
    expect(() => file('001_empty.sql', '-- nothing\n')).toThrow(
      expect.objectContaining({ code: MIGRATION_ERROR.empty }),
    );
  });

  it('checksums ignore line-ending style but nothing else', () => {
    expect(file('001_a.sql', 'SELECT 1;\nSELECT 2').checksum).toBe(
      file('001_a.sql', 'SELECT 1;\r\nSELECT 2').checksum,
    );
    expect(file('001_a.sql', 'SELECT 1').checksum).not.toBe(file('001_a.sql', 'SELECT  1').checksum);
  });

  it('orders by version and refuses two files with one version', () => {
    expect(orderMigrations([file('010_b.sql'), file('002_a.sql')]).map((m) => m.version)).toEqual([2, 10]);
    expect(() => orderMigrations([file('002_a.sql'), file('002_b.sql')])).toThrow(
      expect.objectContaining({ code: MIGRATION_ERROR.duplicateVersion }),
    );
  });

  it('plans what is pending, reports unknown applied versions, and refuses a changed applied migration', () => {
    const a = file('001_a.sql');
    const b = file('002_b.sql');
    const plan = planMigrations(
      [a, b],
      [
        { version: 1, name: 'a', checksum: a.checksum },
        { version: 9, name: 'future', checksum: 'f' },
      ],
    );
    expect(plan.pending.map((m) => m.version)).toEqual([2]);
    expect(plan.unknownApplied.map((m) => m.version)).toEqual([9]);
    expect(() => planMigrations([a], [{ version: 1, name: 'a', checksum: 'other' }])).toThrow(
      expect.objectContaining({ code: MIGRATION_ERROR.checksumMismatch }),
    );
    expect(() => planMigrations([a], [{ version: 1, name: 'a', checksum: 'other' }])).toThrow(/001_a\.sql/);
  });

  it('finds every repository migration numbered, named and non-empty', async () => {
    const migrations = await loadMigrations();
    expect(migrations.length).toBeGreaterThanOrEqual(13);
    expect(migrations.map((m) => m.version)).toEqual(
      [...migrations.map((m) => m.version)].sort((x, y) => x - y),
    );
  });
});

// chDB binds one data directory per process: every test in this file shares one temp dir.
describe('the repository migrations on embedded chDB', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'submerge-migrate-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('apply once, record each migration with its checksum, and apply nothing the second time', async () => {
    const config = { mode: 'embedded', dataDir, database: 'history' } as const;
    const first = await migrateDatabase(config, { client: QUIET });
    const files = await loadMigrations();
    expect(first.applied.map((m) => m.version)).toEqual(files.map((m) => m.version));
    const second = await migrateDatabase(config, { client: QUIET });
    expect(second).toEqual({ applied: [], upToDate: files.length, unknownApplied: [] });

    const client = createClickHouse(config, QUIET);
    try {
      const status = await migrationStatus(client, files);
      expect(status.applied.map((a) => a.checksum)).toEqual(files.map((f) => f.checksum));
      const tables = await client.query({
        query: "SELECT name, engine FROM system.tables WHERE database = 'history' ORDER BY name",
        format: 'JSONEachRow',
      });
      const engines = Object.fromEntries(
        (await tables.json<{ name: string; engine: string }>()).map((t) => [t.name, t.engine]),
      );
      expect(engines).toMatchObject({
        fetch_events: 'ReplacingMergeTree',
        config_observations: 'ReplacingMergeTree',
        source_hourly: 'AggregatingMergeTree',
        config_hourly: 'AggregatingMergeTree',
        protocol_daily: 'AggregatingMergeTree',
        config_sources_daily: 'AggregatingMergeTree',
        source_hourly_fetches_mv: 'MaterializedView',
        schema_migrations: 'ReplacingMergeTree',
      });
      // A changed applied file stops the run before anything is applied.
      const changed = files.map((f, i) =>
        i === 0 ? parseMigration(f.file, `${f.statements.join(';\n')};\n-- edited`) : f,
      );
      await expect(migrate(client, { migrations: changed })).rejects.toMatchObject({
        code: MIGRATION_ERROR.checksumMismatch,
      });
    } finally {
      await client.close();
    }
  });
});
