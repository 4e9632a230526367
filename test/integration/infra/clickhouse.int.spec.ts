import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../../services/shared/clickhouse/create-client.ts';
import { clickHouseContract } from '../../helpers/clickhouse-contract.ts';
import { componentEndpoints } from '../../helpers/components.ts';

const url = componentEndpoints().clickhouseUrl;
// The contract provokes errors on purpose; the client would log each one at ERROR.
const QUIET = { log: { level: ClickHouseLogLevel.OFF } } as const;

clickHouseContract(`HTTP at ${url}`, () =>
  Promise.resolve({
    connect: (database) =>
      createClickHouse({ mode: 'http', url, ...(database === undefined ? {} : { database }) }, QUIET),
  }),
);

function post(sql: string, search = '', init: RequestInit = {}): Promise<Response> {
  return fetch(`${url}/?${search}`, { method: 'POST', body: sql, ...init });
}

describe('clickhouse-local speaks the ClickHouse HTTP interface', () => {
  it('answers /ping with Ok.', async () => {
    const res = await fetch(`${url}/ping`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('Ok.\n');
  });

  it('reports errors with the status, header and body shape of a server', async () => {
    const res = await post('SELEC 1');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('62');
    expect(await res.text()).toMatch(
      /^Code: 62\. DB::Exception: Syntax error.*\(SYNTAX_ERROR\) \(version [\d.]+\)\n$/s,
    );
    const missing = await post('SELECT * FROM system.no_such_table');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-clickhouse-exception-code')).toBe('60');
  });

  it('runs GET queries read-only, as a server does', async () => {
    const read = await fetch(`${url}/?query=${encodeURIComponent('SELECT 1 + 1')}`);
    expect(await read.text()).toBe('2\n');
    const write = await fetch(`${url}/?query=${encodeURIComponent('CREATE DATABASE get_must_not_create')}`);
    expect(write.headers.get('x-clickhouse-exception-code')).toBe('164');
  });

  it('takes the query from the URL and the data from the body, gzip-encoded both ways', async () => {
    const db = `shim_${Date.now()}`;
    await post(`CREATE DATABASE ${db}`);
    try {
      await post(`CREATE TABLE ${db}.t (n UInt32) ENGINE = MergeTree ORDER BY n`);
      const body = gzipSync(Array.from({ length: 100 }, (_, n) => JSON.stringify({ n })).join('\n'));
      const insert = await post('', `query=${encodeURIComponent(`INSERT INTO ${db}.t FORMAT JSONEachRow`)}`, {
        body,
        headers: { 'Content-Encoding': 'gzip' },
      });
      expect(insert.status).toBe(200);
      const res = await post(`SELECT count(), sum(n) FROM ${db}.t`, 'enable_http_compression=1', {
        headers: { 'Accept-Encoding': 'gzip' },
      });
      expect(res.headers.get('content-encoding')).toBe('gzip');
      // fetch has already decoded it, which it could only do if it really was gzip.
      expect(await res.text()).toBe('100\t4950\n');
    } finally {
      await post(`DROP DATABASE IF EXISTS ${db} SYNC`);
    }
  });

  it('accepts query parameters sent as multipart form fields', async () => {
    const client = createClient({ url, use_multipart_params: true });
    try {
      const rs = await client.query({
        query: 'SELECT {s:String} AS s, length({ids:Array(UInt32)}) AS n',
        query_params: { s: "x'y\tz", ids: Array.from({ length: 2000 }, (_, i) => i) },
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ s: "x'y\tz", n: 2000 }]);
    } finally {
      await client.close();
    }
  });

  it('refuses HTTP sessions with NOT_IMPLEMENTED instead of ignoring them', async () => {
    const res = await post('SELECT 1', 'session_id=s1');
    expect(res.status).toBe(501);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('48');
  });
});

// ---- The shim as a process: start, limits, the single-owner lock, stop. ----

const MAIN = resolve(import.meta.dirname, '../../../services/clickhouse-local/main.ts');
const REPO = resolve(import.meta.dirname, '../../..');

interface RunningShim {
  readonly child: ChildProcess;
  readonly url: string;
  readonly startToReadyMs: number;
}

interface ReadyLine {
  readonly msg?: string;
  readonly port?: number;
  readonly host?: string;
}

/** Start main.ts on an ephemeral loopback port; resolves once it logs that it is ready. */
async function startShim(dataDir: string, extra: readonly string[] = []): Promise<RunningShim> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, '--data-dir', dataDir, '--port', '0', ...extra],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const exit = once(child, 'exit') as Promise<[number | null]>;
  let entry: ReadyLine | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    entry = JSON.parse(line) as ReadyLine;
    if (entry?.msg === 'clickhouse-local ready') break;
  }
  if (entry?.msg !== 'clickhouse-local ready') {
    const [code] = await exit;
    throw new Error(`clickhouse-local exited with ${String(code)} before it was ready`);
  }
  expect(entry.host).toBe('127.0.0.1');
  return { child, url: `http://127.0.0.1:${entry.port}`, startToReadyMs: performance.now() - t0 };
}

async function stop(shim: RunningShim): Promise<number | null> {
  if (shim.child.exitCode !== null) return shim.child.exitCode;
  const exit = once(shim.child, 'exit');
  shim.child.kill('SIGTERM');
  const [code] = (await exit) as [number | null];
  return code;
}

describe('clickhouse-local as a process', () => {
  let dataDir: string;
  let shim: RunningShim;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'submerge-shim-'));
    shim = await startShim(dataDir, ['--max-body-bytes', '4096']);
  });
  afterAll(async () => {
    if (shim) await stop(shim);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('becomes ready on a loopback port and answers a real query', async () => {
    const res = await fetch(`${shim.url}/`, { method: 'POST', body: 'SELECT version()' });
    expect(await res.text()).toMatch(/^\d+\.\d+\.\d+\.\d+\n$/);
  });

  it('refuses a body above --max-body-bytes with LIMIT_EXCEEDED, plain or decompressed', async () => {
    const big = await fetch(`${shim.url}/`, { method: 'POST', body: `SELECT '${'x'.repeat(8192)}'` });
    expect(big.status).toBe(413);
    expect(big.headers.get('x-clickhouse-exception-code')).toBe('290');
    const bomb = await fetch(`${shim.url}/`, {
      method: 'POST',
      body: gzipSync(`SELECT '${'x'.repeat(100_000)}'`),
      headers: { 'Content-Encoding': 'gzip' },
    });
    expect(bomb.status).toBe(413);
  });

  it('stores insert data sent as the body exactly as the same data inline after the statement', async () => {
    const at = (sql: string, search = '', body: string = sql): Promise<Response> =>
      fetch(`${shim.url}/?${search}`, { method: 'POST', body });
    const db = `parity_${Date.now()}`;
    const columns =
      "id UInt32, t DateTime64(3, 'UTC'), u UUID, lc LowCardinality(String), arr Array(String), " +
      "m Map(String, UInt32), n Nullable(Float64), b Bool, d String DEFAULT concat('x', toString(id)), " +
      "e Enum8('a' = 1, 'b' = 2)";
    const cases: readonly (readonly [string, string, string])[] = [
      [
        '(id, t, u, lc, arr, m, n, b, e)',
        'JSONEachRow',
        '{"id":1,"t":"2026-01-02 03:04:05.678","u":"a3482e88-686a-4a58-8126-99c9df64b7bf","lc":"x","arr":["a","b\\"c"],"m":{"k":3},"n":null,"b":true,"e":"b"}\n' +
          '{"b":false,"id":2,"t":1767323045678,"lc":"y","unknown":5,"n":1.5}\n',
      ],
      ['', 'JSONEachRow', '{"id":3,"lc":"z","d":"given"}\n'],
      [
        '(id, t, lc, arr, n)',
        'TabSeparated',
        "1\t2026-01-02 03:04:05.678\ta\\tb\t['x','y']\t\\N\n2\t2026-01-02 03:04:05\tc\t[]\t2.5\n",
      ],
      ['(id, lc)', 'CSV', '1,"a,b"\n2,"c""d"\n'],
      ['(lc, id)', 'CSVWithNames', 'id,lc\n1,a\n2,b\n'],
      ['(id, lc)', 'JSONCompactEachRow', '[1,"a"]\n[2,"b"]\n'],
      ['(id, lc)', 'TSVWithNames', 'lc\tid\na\t1\n'],
    ];
    expect((await at(`CREATE DATABASE ${db}`)).status).toBe(200);
    try {
      for (const [i, [list, format, data]] of cases.entries()) {
        const stored: string[] = [];
        for (const how of ['body', 'inline']) {
          const table = `${db}.t${i}_${how}`;
          await at(`CREATE TABLE ${table} (${columns}) ENGINE = MergeTree ORDER BY id`);
          const statement = `INSERT INTO ${table} ${list} FORMAT ${format}`;
          const res =
            how === 'body'
              ? await at('', `query=${encodeURIComponent(statement)}`, data)
              : await at(`${statement}\n${data}`);
          expect(res.status, `${format} ${how}: ${await res.clone().text()}`).toBe(200);
          stored.push(
            await (await at(`SELECT * FROM ${table} ORDER BY id FORMAT JSONCompactEachRow`)).text(),
          );
        }
        expect(stored[0], format).toBe(stored[1]);
        expect(stored[0], format).not.toBe('');
      }
      // A row the engine refuses fails the same way: status, code, and no word of a file.
      const failures: [number, string | null, string][] = [];
      for (const how of ['body', 'inline']) {
        const statement = `INSERT INTO ${db}.t0_${how} (id, lc) FORMAT JSONEachRow`;
        const data = '{"id":1,"lc":"a"}\n{"id":"x","lc":"b"}\n';
        const res =
          how === 'body'
            ? await at('', `query=${encodeURIComponent(statement)}`, data)
            : await at(`${statement}\n${data}`);
        failures.push([res.status, res.headers.get('x-clickhouse-exception-code'), await res.text()]);
      }
      expect(failures[0]?.[0]).toBe(failures[1]?.[0]);
      expect(failures[0]?.[1]).toBe(failures[1]?.[1]);
      expect(failures[0]?.[2]).toMatch(/\(CANNOT_PARSE_\w+\)/);
      expect(failures[0]?.[2]).not.toMatch(/file|shim-inserts/);
      // Each body's file is gone once its insert answered.
      expect(await readdir(join(dataDir, 'shim-inserts'))).toEqual([]);
    } finally {
      await at(`DROP DATABASE IF EXISTS ${db} SYNC`);
    }
  });

  it('is the only process that can open its data directory', async () => {
    await expect(startShim(dataDir)).rejects.toThrow(/exited with 1/);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await stop(shim)).toBe(0);
  });
});
