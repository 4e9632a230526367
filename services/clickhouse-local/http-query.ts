import type { IncomingHttpHeaders } from 'node:http';
import { sessionPrelude } from '../shared/clickhouse/session-prelude.ts';
import { shimFailure, type ClickHouseFailure } from './clickhouse-failure.ts';

/** One HTTP request, reduced to what the translation needs (body already decompressed). */
export interface HttpQueryInput {
  readonly method: string;
  readonly pathname: string;
  readonly search: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The body as text; for a multipart/form-data body, its `query` field. */
  readonly body: string;
  /** The other fields of a multipart/form-data body (`param_<name>` as @clickhouse/client sends them). */
  readonly formFields?: ReadonlyMap<string, string>;
}

/** What to do with a request: answer "Ok.", run SQL on a fresh session, or fail like a server. */
export type HttpQueryAction =
  | { readonly kind: 'ok' }
  | {
      readonly kind: 'query';
      readonly queryId: string;
      /** Statements for the fresh session before the query: params, database, settings. */
      readonly prelude: readonly string[];
      readonly sql: string;
      /** Output format when the SQL names none (the server's `default_format`). */
      readonly format: string;
      readonly compressResponse: boolean;
    }
  | { readonly kind: 'fail'; readonly failure: ClickHouseFailure };

/**
 * URL parameters the HTTP interface itself consumes; every other one (besides `param_<name>`)
 * is a setting for the query. `wait_end_of_query` and `buffer_size` are not settings at all, and
 * the engine has nothing to do with credentials: the shim serves loopback only and trusts it.
 */
const HTTP_LAYER_PARAMS = new Set([
  'query',
  'query_id',
  'database',
  'default_format',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'quota_key',
  'role',
  'compress',
  'decompress',
  'buffer_size',
  'wait_end_of_query',
  'stacktrace',
  'enable_http_compression',
  'http_zlib_compression_level',
]);

const DEFAULT_FORMAT = 'TabSeparated';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isTrue(v: string | null | undefined): boolean {
  return v === '1' || v === 'true';
}

/**
 * Translate one request of ClickHouse's HTTP interface, as @clickhouse/client and curl use it:
 * the SQL is the `query` URL parameter, then a newline, then the body (so an insert's data
 * follows its `INSERT ... FORMAT X`); GET queries run read-only (readonly=2), as on a server.
 */
export function toHttpQueryAction(input: HttpQueryInput, newQueryId: () => string): HttpQueryAction {
  const { method, pathname, search, headers } = input;
  if (pathname === '/ping' || pathname === '/replicas_status') return { kind: 'ok' };
  if (pathname !== '/') {
    return {
      kind: 'fail',
      failure: shimFailure('BAD_ARGUMENTS', `There is no handle ${pathname}; use / or /ping`, 404),
    };
  }
  if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') {
    return {
      kind: 'fail',
      failure: shimFailure('BAD_ARGUMENTS', `HTTP method ${method} is not supported`, 405),
    };
  }
  if (search.has('session_id')) {
    return {
      kind: 'fail',
      failure: shimFailure(
        'NOT_IMPLEMENTED',
        'HTTP sessions (session_id) are not supported by the clickhouse-local shim: every query runs in its own session',
      ),
    };
  }
  if (isTrue(search.get('compress')) || isTrue(search.get('decompress'))) {
    return {
      kind: 'fail',
      failure: shimFailure(
        'NOT_IMPLEMENTED',
        'ClickHouse native compression (compress/decompress=1) is not supported; use Content-Encoding',
      ),
    };
  }

  const urlQuery = search.get('query') ?? '';
  const body = method === 'POST' ? input.body : '';
  const sql = urlQuery !== '' && body !== '' ? `${urlQuery}\n${body}` : urlQuery + body;
  if (sql.trim() === '') {
    if (method !== 'POST') return { kind: 'ok' };
    return { kind: 'fail', failure: shimFailure('SYNTAX_ERROR', 'Empty query') };
  }

  const queryParams: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const [key, value] of search) {
    if (key.startsWith('param_')) queryParams[key.slice('param_'.length)] = value;
    else if (!HTTP_LAYER_PARAMS.has(key)) settings[key] = value;
  }
  for (const [key, value] of input.formFields ?? []) {
    if (key.startsWith('param_')) queryParams[key.slice('param_'.length)] = value;
  }
  if (method !== 'POST' && settings['readonly'] === undefined) settings['readonly'] = '2';

  const prelude = sessionPrelude({
    database: search.get('database') ?? header(headers, 'x-clickhouse-database'),
    queryParams,
    settings,
  });
  if (!prelude.ok) return { kind: 'fail', failure: shimFailure('BAD_ARGUMENTS', prelude.problem) };

  return {
    kind: 'query',
    queryId: search.get('query_id') || newQueryId(),
    prelude: prelude.statements,
    sql,
    format: search.get('default_format') ?? header(headers, 'x-clickhouse-format') ?? DEFAULT_FORMAT,
    compressResponse: isTrue(search.get('enable_http_compression')),
  };
}
