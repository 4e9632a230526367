import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { createClickHouse } from '../../../../services/shared/clickhouse/create-client.ts';
import { clickHouseContract } from '../../../helpers/clickhouse-contract.ts';

// The contract provokes errors on purpose; the client would log each one at ERROR.
const QUIET = { log: { level: ClickHouseLogLevel.OFF } } as const;

// chDB binds one data directory per process: every test in this file shares one temp dir.
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'submerge-chdb-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

clickHouseContract('embedded chDB', () =>
  Promise.resolve({
    connect: (database) =>
      createClickHouse({ mode: 'embedded', dataDir, ...(database === undefined ? {} : { database }) }, QUIET),
  }),
);

describe('embedded ClickHouse client', () => {
  let client: ClickHouseClient;
  beforeAll(() => {
    client = createClickHouse({ mode: 'embedded', dataDir });
  });
  afterAll(async () => {
    await client.close();
  });

  it('refuses a second data directory in the same process, naming the way out', () => {
    let caught: unknown;
    try {
      createClickHouse({ mode: 'embedded', dataDir: join(dataDir, 'other') });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CLICKHOUSE_EMBEDDED_OPEN_FAILED' });
    expect((caught as Error).message).toMatch(/connect with mode 'http'/);
  });

  it('rejects HTTP sessions, which per-operation sessions cannot honour', async () => {
    await expect(client.query({ query: 'SELECT 1', session_id: 's1' })).rejects.toMatchObject({
      code: 'CLICKHOUSE_UNSUPPORTED',
    });
  });

  it('fails operations after close with a stable code', async () => {
    const closing = createClickHouse({ mode: 'embedded', dataDir });
    await closing.close();
    await expect(closing.query({ query: 'SELECT 1' })).rejects.toMatchObject({
      code: 'CLICKHOUSE_EMBEDDED_CLOSED',
    });
  });
});
