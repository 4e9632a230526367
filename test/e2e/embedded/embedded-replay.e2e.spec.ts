import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer } from '../../integration/fetcher/fixture-server.ts';
import type { FixtureServer, Route } from '../../integration/fetcher/fixture-server.ts';
import { corpusSources } from '../../helpers/pipeline-fixtures.ts';
import { freePort, NODE, quietSourceId, REPO, startEmbeddedProcess } from './embedded-process.ts';
import type { EmbeddedProcess } from './embedded-process.ts';

const HOUR = 3_600_000;
const client = new Agent({ pipelining: 0 });

async function get(url: string): Promise<{ status: number; etag: string | null; body: string }> {
  const res = await fetch(url, { dispatcher: client });
  return { status: res.status, etag: res.headers.get('etag'), body: await res.text() };
}

function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(NODE, ['--import', 'tsx', 'services/cli/main.ts', ...args], {
      cwd: REPO,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('submerge replay in the embedded mode', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('reprocesses the raw fetches kept in the data directory, without fetching, into the state the run had built', async () => {
    // Three corpus files of different formats (share links, Clash YAML, sing-box JSON).
    const files = corpusSources()
      .filter((s) => s.body.length < 300_000)
      .slice(0, 3);
    const ids = files.map((f, i) => quietSourceId(`replay-${i}`, HOUR, 20 * 60_000));
    const routes = Object.fromEntries(
      files.map((f, i) => [
        `/s${i}`,
        ((_req, res) =>
          void res.writeHead(200, { 'content-type': 'text/plain' }).end(f.body)) satisfies Route,
      ]),
    );
    let server: FixtureServer | null = await startFixtureServer(routes);
    cleanups.push(() => server?.close());
    const dir = mkdtempSync(join(tmpdir(), 'submerge-e2e-replay-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const catalog = join(dir, 'sources.yaml');
    writeFileSync(
      catalog,
      [
        'allowPrivateAddresses: true',
        'sources:',
        ...ids.flatMap((id, i) => [
          `  - id: ${id}`,
          `    urls: [${server?.url(`/s${i}`, '127.0.0.1') ?? ''}]`,
          '    interval: 1h',
        ]),
        '',
      ].join('\n'),
    );
    const dataDir = join(dir, 'data');
    const args = ['--sources', catalog, '--port', String(await freePort()), '--data-dir', dataDir];
    const running: EmbeddedProcess[] = [];
    cleanups.push(() => Promise.all(running.map((p) => p.stop('SIGKILL'))));

    const first = await startEmbeddedProcess(args);
    running.push(first);
    const round = await first.waitForLine(/fetch round 1:/);
    expect(round).toContain('3 sources, 3 ok, 0 failed');
    const configs = Number(/; ([\d,]+) configs;/.exec(round)?.[1]?.replace(/,/g, ''));
    expect(configs).toBeGreaterThan(10);
    const before = await Promise.all(['uri', 'clash', 'sing-box'].map((f) => get(`${first.url}/sub/${f}`)));
    expect(before.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await first.stop()).toBe(0);
    await server.close();
    server = null;

    const replay = await runCli(['replay', '--processor', 'all', '--data-dir', dataDir]);
    expect(replay.stderr).toContain('done in');
    expect(replay.code).toBe(0);
    const report = JSON.parse(replay.stdout.trim().split('\n').at(-1) ?? '{}') as {
      steps: { kind: string; records: number; tombstonedState: number }[];
      currentTombstones: number;
    };
    expect(report.steps.map((s) => [s.kind, s.records > 0])).toEqual([
      ['parser', true],
      ['merger', true],
    ]);
    // Every fetch of the run was reprocessed (3), with the catalog the parser rereads as a table
    // (3 entries: it decides which sources are withdrawn), and the state it had was emptied first.
    expect(report.steps[0]?.records).toBe(3 + 3);
    expect(report.steps[1]?.tombstonedState).toBe(configs);
    expect(report.currentTombstones).toBe(0);

    const second = await startEmbeddedProcess(args);
    running.push(second);
    expect(await second.waitForLine(/^submerge: restored/)).toContain(
      `restored ${configs.toLocaleString('en-US')} configs`,
    );
    const after = await Promise.all(['uri', 'clash', 'sing-box'].map((f) => get(`${second.url}/sub/${f}`)));
    expect(after.map((r) => r.body)).toEqual(before.map((r) => r.body));
    expect(after.map((r) => r.etag)).toEqual(before.map((r) => r.etag));
    expect(await second.stop()).toBe(0);
  });

  it('refuses to replay a data directory a running npm start holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'submerge-e2e-replay-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const catalog = join(dir, 'sources.yaml');
    writeFileSync(catalog, 'sources: []\n');
    const dataDir = join(dir, 'data');
    const proc = await startEmbeddedProcess([
      '--sources',
      catalog,
      '--port',
      String(await freePort()),
      '--data-dir',
      dataDir,
    ]);
    cleanups.push(() => proc.stop('SIGKILL'));

    const replay = await runCli(['replay', '--processor', 'all', '--data-dir', dataDir]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toMatch(/CLICKHOUSE_EMBEDDED_OPEN_FAILED|cannot open the chDB data directory/);
    expect(await proc.stop()).toBe(0);
  });
});
