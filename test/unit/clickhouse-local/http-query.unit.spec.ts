import { describe, expect, it } from 'vitest';
import { toHttpQueryAction, type HttpQueryInput } from '../../../services/clickhouse-local/http-query.ts';

function request(overrides: Partial<HttpQueryInput> & { url?: string }): HttpQueryInput {
  const url = new URL(overrides.url ?? '/', 'http://127.0.0.1');
  return {
    method: 'POST',
    pathname: url.pathname,
    search: url.searchParams,
    headers: {},
    body: '',
    ...overrides,
  };
}

const action = (input: HttpQueryInput) => toHttpQueryAction(input, () => 'generated-id');

describe('toHttpQueryAction', () => {
  it('answers health checks with Ok.', () => {
    expect(action(request({ method: 'GET', url: '/ping' }))).toEqual({ kind: 'ok' });
    expect(action(request({ method: 'GET', url: '/' }))).toEqual({ kind: 'ok' });
  });

  it('runs the body as SQL with the default TabSeparated format and a generated query id', () => {
    expect(action(request({ body: 'SELECT 1' }))).toEqual({
      kind: 'query',
      queryId: 'generated-id',
      prelude: [],
      sql: 'SELECT 1',
      format: 'TabSeparated',
      compressResponse: false,
    });
  });

  it('joins the query parameter and the body with a newline, as inserts need', () => {
    const q = encodeURIComponent('INSERT INTO t FORMAT JSONEachRow');
    expect(action(request({ url: `/?query=${q}`, body: '{"a":1}' }))).toMatchObject({
      sql: 'INSERT INTO t FORMAT JSONEachRow\n{"a":1}',
    });
  });

  it('turns param_*, database and other URL parameters into the session prelude', () => {
    const result = action(
      request({
        url: '/?query_id=q1&database=db1&param_id=a%5Ctb&max_threads=1&default_format=JSONEachRow&enable_http_compression=1',
        body: 'SELECT {id:String}',
      }),
    );
    expect(result).toEqual({
      kind: 'query',
      queryId: 'q1',
      prelude: ["SET param_id = 'a\\\\tb'", 'USE `db1`', "SET max_threads = '1'"],
      sql: 'SELECT {id:String}',
      format: 'JSONEachRow',
      compressResponse: true,
    });
  });

  it('takes param_* from multipart form fields too', () => {
    const result = action(request({ body: 'SELECT {s:String}', formFields: new Map([['param_s', 'x']]) }));
    expect(result).toMatchObject({ prelude: ["SET param_s = 'x'"] });
  });

  it('takes the database and format from X-ClickHouse-* headers when the URL has none', () => {
    const result = action(
      request({
        body: 'SELECT 1',
        headers: { 'x-clickhouse-database': 'db2', 'x-clickhouse-format': 'CSV' },
      }),
    );
    expect(result).toMatchObject({ prelude: ['USE `db2`'], format: 'CSV' });
  });

  it('makes GET queries read-only and ignores their body', () => {
    const result = action(request({ method: 'GET', url: '/?query=SELECT%201', body: 'ignored' }));
    expect(result).toMatchObject({ sql: 'SELECT 1', prelude: ["SET readonly = '2'"] });
  });

  it('drops HTTP-layer parameters that are not engine settings', () => {
    const result = action(
      request({ url: '/?wait_end_of_query=1&buffer_size=10&user=default&password=x', body: 'SELECT 1' }),
    );
    expect(result).toMatchObject({ prelude: [] });
  });

  it('fails like a server on an empty POST, an unknown path, sessions and native compression', () => {
    expect(action(request({ body: '  ' }))).toMatchObject({
      kind: 'fail',
      failure: { code: 62, status: 400 },
    });
    expect(action(request({ url: '/play', body: 'SELECT 1' }))).toMatchObject({ failure: { status: 404 } });
    expect(action(request({ url: '/?session_id=s', body: 'SELECT 1' }))).toMatchObject({
      failure: { code: 48, name: 'NOT_IMPLEMENTED', status: 501 },
    });
    expect(action(request({ url: '/?decompress=1', body: 'SELECT 1' }))).toMatchObject({
      failure: { code: 48 },
    });
  });

  it('refuses parameter names that are not identifiers', () => {
    expect(action(request({ url: '/?param_a%3Bb=1', body: 'SELECT 1' }))).toMatchObject({
      kind: 'fail',
      failure: { name: 'BAD_ARGUMENTS', status: 400 },
    });
  });
});
