import { describe, expect, it } from 'vitest';
import { parseClickHouseConfig } from '../../../../services/shared/clickhouse/clickhouse-config.ts';
import { createClickHouse } from '../../../../services/shared/clickhouse/create-client.ts';

describe('parseClickHouseConfig', () => {
  it('accepts an http config and an embedded config', () => {
    expect(
      parseClickHouseConfig({ mode: 'http', url: 'http://127.0.0.1:18123', database: 'submerge' }),
    ).toEqual({
      mode: 'http',
      url: 'http://127.0.0.1:18123',
      database: 'submerge',
    });
    expect(parseClickHouseConfig({ mode: 'embedded', dataDir: '/tmp/ch' })).toEqual({
      mode: 'embedded',
      dataDir: '/tmp/ch',
    });
  });

  it('reports every problem at once with a stable code', () => {
    let caught: unknown;
    try {
      parseClickHouseConfig({ mode: 'http', url: 'ftp://example', database: 'no-dashes' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CLICKHOUSE_CONFIG_INVALID', retriable: false });
    expect((caught as Error).message).toMatch(/url/);
    expect((caught as Error).message).toMatch(/database/);
  });

  it('rejects keys that belong to the other mode', () => {
    expect(() => parseClickHouseConfig({ mode: 'embedded', dataDir: '/tmp/ch', url: 'http://x' })).toThrow(
      expect.objectContaining({ code: 'CLICKHOUSE_CONFIG_INVALID' }),
    );
  });
});

describe('createClickHouse', () => {
  it('validates its config before creating anything', () => {
    expect(() => createClickHouse({ mode: 'http', url: 'not a url' })).toThrow(
      expect.objectContaining({ code: 'CLICKHOUSE_CONFIG_INVALID' }),
    );
  });
});
