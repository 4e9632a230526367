import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFixtureServer } from '../../integration/fetcher/fixture-server.ts';
import type { FixtureServer } from '../../integration/fetcher/fixture-server.ts';
import { freePort, quietSourceId, startEmbeddedProcess } from './embedded-process.ts';
import type { EmbeddedProcess } from './embedded-process.ts';

const HOUR = 3_600_000;
const LINKS = [
  'trojan://secret-one@alpha.example.com:443?sni=alpha.example.com#alpha',
  'vless://11111111-2222-3333-4444-555555555555@beta.example.com:443?security=tls&sni=beta.example.com&type=ws&path=%2Fws#beta',
  'ss://YWVzLTI1Ni1nY206cGFzc3dvcmQ@gamma.example.com:8388#gamma',
];

interface Fetched {
  readonly status: number;
  readonly etag: string | null;
  readonly body: string;
}

// No keep-alive: the restarted process listens on the same port, where a pooled socket of the stopped one would be dead.
const client = new Agent({ pipelining: 0 });

async function get(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const res = await fetch(url, { headers, dispatcher: client });
  return { status: res.status, etag: res.headers.get('etag'), body: await res.text() };
}

describe('embedded mode (npm start): one process, no Kafka', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'submerge-e2e-embedded-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function start(args: readonly string[]): Promise<EmbeddedProcess> {
    const proc = await startEmbeddedProcess(args);
    cleanups.push(async () => {
      await proc.stop('SIGKILL');
    });
    return proc;
  }

  it('fetches the catalog, serves the merged subscription over HTTP, and after a restart with every source gone serves the same one without fetching', async () => {
    // Ids whose next grid slot is far off: the restarted process waits for it, so it fetches nothing here.
    const one = quietSourceId('one', HOUR, 20 * 60_000);
    const two = quietSourceId('two', HOUR, 20 * 60_000);
    let server: FixtureServer | null = await startFixtureServer({
      '/one.txt': (_req, res) => {
        res
          .writeHead(200, { 'content-type': 'text/plain', etag: '"one-v1"' })
          .end(LINKS.slice(0, 2).join('\n'));
      },
      '/two.txt': (_req, res) => {
        res
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(Buffer.from(LINKS.slice(1).join('\n')).toString('base64'));
      },
    });
    cleanups.push(() => server?.close());
    const dir = tempDir();
    const catalog = join(dir, 'sources.yaml');
    writeFileSync(
      catalog,
      [
        'allowPrivateAddresses: true',
        'sources:',
        `  - id: ${one}`,
        `    urls: [${server.url('/one.txt', '127.0.0.1')}]`,
        '    interval: 1h',
        `  - id: ${two}`,
        `    urls: [${server.url('/two.txt', '127.0.0.1')}]`,
        '    interval: 1h',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const args = ['--sources', catalog, '--port', String(port), '--data-dir', join(dir, 'data')];

    const first = await start(args);
    expect(first.url).toBe(`http://127.0.0.1:${port}`);
    expect(await first.waitForLine(/^submerge: first start/)).toContain('fetching 2 sources');
    expect(await first.waitForLine(/fetch round 1:/)).toMatch(
      /2 sources, 2 ok, 0 failed; 3 configs; \d+\.\d s$/,
    );
    expect(server.requests.map((r) => r.path).sort()).toEqual(['/one.txt', '/two.txt']);

    const uri = await get(`${first.url}/sub/uri`);
    expect(uri.status).toBe(200);
    expect(
      uri.body
        .trim()
        .split('\n')
        .map((l) => l.replace(/[?#].*$/, '')),
    ).toEqual(
      expect.arrayContaining([
        'trojan://secret-one@alpha.example.com:443',
        'ss://YWVzLTI1Ni1nY206cGFzc3dvcmQ@gamma.example.com:8388',
      ]),
    );
    expect(uri.body.trim().split('\n')).toHaveLength(3);
    const clash = await get(`${first.url}/sub/clash`);
    expect(clash.status).toBe(200);
    expect(clash.body).toContain('alpha.example.com');
    expect(clash.etag).not.toBeNull();
    expect((await get(`${first.url}/sub/clash`, { 'if-none-match': clash.etag ?? '' })).status).toBe(304);
    const detail = JSON.parse((await get(`${first.url}/sources/${one}`)).body) as {
      latestFetch: { fetchEventId: string; configs: number } | null;
    };
    expect(detail.latestFetch?.configs).toBe(2);

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.lines.at(-1)).toBe('submerge: stopped');
    await server.close();
    server = null;

    const second = await start(args);
    expect(await second.waitForLine(/^submerge: restored/)).toMatch(/restored 3 configs from .* in \d+ ms/);
    const again = await get(`${second.url}/sub/clash`);
    expect(again.status).toBe(200);
    expect(again.etag).toBe(clash.etag);
    expect(again.body).toBe(clash.body);
    expect((await get(`${second.url}/sub/clash`, { 'if-none-match': clash.etag ?? '' })).status).toBe(304);
    expect((await get(`${second.url}/sub/uri`)).body).toBe(uri.body);
    // The latest fetch is still the one before the restart: nothing was fetched (nor tried: the server is gone).
    const after = JSON.parse((await get(`${second.url}/sources/${one}`)).body) as typeof detail;
    expect(after.latestFetch?.fetchEventId).toBe(detail.latestFetch?.fetchEventId);
    expect(second.lines.some((l) => l.includes('fetch round'))).toBe(false);
    // History lives in the same chDB: the one fetch of the first run, and nothing since.
    const history = JSON.parse((await get(`${second.url}/analytics/sources/${one}/history`)).body) as {
      totals: { fetches: number; failures: number };
    };
    expect(history.totals).toMatchObject({ fetches: 1, failures: 0 });
    expect(await second.stop('SIGINT')).toBe(0);
  });

  it('asks its sources after a restart whether they changed, with the validators of their last full response', async () => {
    let etagRequests = 0;
    const server = await startFixtureServer({
      '/etag.txt': (req, res) => {
        if (req.headers['if-none-match'] === '"v7"') {
          etagRequests += 1;
          res.writeHead(304, { etag: '"v7"' }).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain', etag: '"v7"' }).end(LINKS.join('\n'));
      },
    });
    cleanups.push(() => server.close());
    const dir = tempDir();
    const catalog = join(dir, 'sources.yaml');
    writeFileSync(
      catalog,
      [
        'allowPrivateAddresses: true',
        'sources:',
        '  - id: etag',
        `    urls: [${server.url('/etag.txt', '127.0.0.1')}]`,
        '    interval: 10s',
        '',
      ].join('\n'),
    );
    const args = ['--sources', catalog, '--port', String(await freePort()), '--data-dir', join(dir, 'data')];
    const first = await start(args);
    await first.waitForLine(/fetch round 1:/);
    // The sink writes the history the next start reads the validators from; a clean stop flushes it.
    expect(await first.stop()).toBe(0);
    const before = server.requests.length;

    const second = await start(args);
    await second.waitForLine(/^submerge: restored/);
    await vi.waitFor(() => expect(server.requests.length).toBeGreaterThan(before), {
      timeout: 30_000,
      interval: 200,
    });
    expect(server.requests[before]?.headers['if-none-match']).toBe('"v7"');
    expect(etagRequests).toBeGreaterThan(0);
    expect((await get(`${second.url}/sub/uri`)).body.trim().split('\n')).toHaveLength(3);
    expect(await second.stop()).toBe(0);
  });
});
