import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { parseClickHouseConfig, type ClickHouseConfig } from './clickhouse-config.ts';
import { openEmbeddedConnection } from './embedded-connection.ts';

/**
 * Settings whose defaults differ between the engine versions we meet, pinned so results have one
 * shape everywhere. ClickHouse quoted 64-bit integers in JSON output by default up to 25.7 (so
 * 24.8, the server version we target, does); 25.8 and chDB's 26.x engine do not. Quoting is also
 * the only lossless choice for JavaScript. A query can still override any of them.
 */
const CLIENT_SETTINGS = { output_format_json_quote_64bit_integers: 1 } as const;

/**
 * The one way submerge obtains ClickHouse: the official client, talking HTTP to a server
 * (production, compose, or the local shim every process shares in local runs) or running chDB
 * in this process (embedded mode, unit tests). Callers get the same ClickHouseClient either way.
 */
/** Client behaviour that is not about where ClickHouse is. */
export interface ClickHouseClientOptions {
  /** The official client's logging (it logs every failed request at ERROR by default). */
  readonly log?: ClickHouseClientConfigOptions['log'];
}

export function createClickHouse(
  config: ClickHouseConfig,
  options: ClickHouseClientOptions = {},
): ClickHouseClient {
  const c = parseClickHouseConfig(config);
  const common = {
    clickhouse_settings: CLIENT_SETTINGS,
    ...(options.log === undefined ? {} : { log: options.log }),
  };
  switch (c.mode) {
    case 'http':
      return createClient({
        ...common,
        url: c.url,
        ...(c.username === undefined ? {} : { username: c.username }),
        ...(c.password === undefined ? {} : { password: c.password }),
        ...(c.database === undefined ? {} : { database: c.database }),
      });
    case 'embedded':
      return createClient({
        ...common,
        connection: openEmbeddedConnection({ dataDir: c.dataDir, database: c.database }),
      });
  }
}
