import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { ClickHouseClientConfigOptions } from '@clickhouse/client';
import { formatQueryParams } from '@clickhouse/client-common';
import type * as Chdb from 'chdb';
import type * as ChdbConnection from 'chdb/connection';
import { CLICKHOUSE_ERROR, ClickHouseAdapterError } from './clickhouse-error.ts';
import { sessionPrelude } from './session-prelude.ts';

// chDB is loaded on first use: loading libchdb costs ~150 MiB of RSS, which processes that only
// talk HTTP to ClickHouse (the read API, the sink) must not pay for importing createClickHouse.
const load = createRequire(import.meta.url);
const chdb = (): typeof Chdb => load('chdb') as typeof Chdb;
const chdbConnection = (): typeof ChdbConnection => load('chdb/connection') as typeof ChdbConnection;

/** The Connection contract as @clickhouse/client declares it (it does not export the name). */
export type ClientConnection = NonNullable<ClickHouseClientConfigOptions['connection']>;
type BaseParams = Parameters<ClientConnection['command']>[0];

export interface EmbeddedConnectionOptions {
  readonly dataDir: string;
  readonly database?: string | undefined;
}

/**
 * chDB's `chdb/connection` behind @clickhouse/client, adjusted where it differs from a server:
 * - it ignores the client's `database`, so every query runs after `USE <database>`;
 * - it applies per-query settings with SET on one long-lived session, where they would leak
 *   into later queries, so every operation gets its own short-lived connection (well under a
 *   millisecond: connections to an already-open data directory share the engine);
 * - its parameter binder formats values differently from the HTTP client (a Date loses its
 *   milliseconds), so parameters are formatted by @clickhouse/client-common exactly as the
 *   HTTP interface receives them and set with SET param_<name>.
 * One long-lived "anchor" connection keeps the data directory bound while the client is open.
 */
export function openEmbeddedConnection(options: EmbeddedConnectionOptions): ClientConnection {
  const path = resolve(options.dataDir);
  mkdirSync(path, { recursive: true });
  const anchor = openChdb(path);
  let closed = false;

  async function perOperation<P extends BaseParams, R>(
    params: P,
    run: (connection: ClientConnection, params: P) => Promise<R>,
  ): Promise<R> {
    if (closed) {
      throw new ClickHouseAdapterError(
        CLICKHOUSE_ERROR.embeddedClosed,
        'the embedded ClickHouse client is closed',
      );
    }
    if (params.session_id !== undefined) {
      throw new ClickHouseAdapterError(
        CLICKHOUSE_ERROR.unsupported,
        'ClickHouse sessions (session_id) are not supported in embedded mode: every operation runs in its own session',
      );
    }
    const prelude = sessionPrelude({
      database: options.database,
      queryParams: formatParams(params.query_params),
    });
    if (!prelude.ok) throw new ClickHouseAdapterError(CLICKHOUSE_ERROR.invalidRequest, prelude.problem);
    const { query_params: _formattedAbove, ...rest } = params;
    const connection = openChdb(path);
    try {
      if (prelude.statements.length > 0) await connection.command({ query: prelude.statements.join('; ') });
      return await run(connection, rest as P);
    } finally {
      await connection.close();
    }
  }

  return {
    ping: (params) => anchor.ping(params),
    query: (params) => perOperation(params, (c, p) => c.query(p)),
    exec: (params) => perOperation(params, (c, p) => c.exec(p)),
    command: (params) => perOperation(params, (c, p) => c.command(p)),
    insert: (params) => perOperation(params, (c, p) => c.insert(p)),
    close: async () => {
      if (closed) return;
      closed = true;
      await anchor.close();
      // The engine frees the directory only once nothing native is in flight; waiting here lets
      // the next client in this process open another directory straight away.
      await chdb().drainPending();
    },
  };
}

function openChdb(path: string): ClientConnection {
  try {
    // chdb declares the contract with its own copy of @clickhouse/client-common's types, which
    // differ from the client's bundled copy only in declarations; at runtime it is this contract.
    return chdbConnection().createChdbConnection({ path }) as unknown as ClientConnection;
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new ClickHouseAdapterError(
      CLICKHOUSE_ERROR.embeddedOpenFailed,
      `cannot open the chDB data directory ${path}: ${detail}. The engine binds one data directory per ` +
        `process and locks it against other processes; when another process (such as the clickhouse-local ` +
        `shim) owns it, connect with mode 'http' to that process instead.`,
      { cause },
    );
  }
}

function formatParams(params: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (params === undefined) return undefined;
  // The same call the HTTP connection makes to build its param_<name> URL parameters.
  return Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, formatQueryParams({ value })]),
  );
}
