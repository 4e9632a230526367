import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFixtureServer } from '../../integration/fetcher/fixture-server.ts';
import type { Route } from '../../integration/fetcher/fixture-server.ts';
import { corpusSources, expectedMerged } from '../../helpers/pipeline-fixtures.ts';
import { freePort, startEmbeddedProcess } from './embedded-process.ts';
import type { EmbeddedProcess } from './embedded-process.ts';

const client = new Agent({ pipelining: 0 });

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url, { dispatcher: client });
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return (await res.json()) as T;
}

async function fetchAttempts(url: string): Promise<number> {
  const res = await fetch(`${url}/metrics`, { dispatcher: client });
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('submerge_fetch_attempts_total'))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

/** Every fingerprint the API serves, through /configs pages. */
async function servedFingerprints(url: string): Promise<Set<string>> {
  const out = new Set<string>();
  for (let offset = 0; ; offset += 1000) {
    const page = await json<{ total: number; items: { fingerprint: string }[] }>(
      `${url}/configs?limit=1000&offset=${offset}`,
    );
    for (const item of page.items) out.add(item.fingerprint);
    if (offset + 1000 >= page.total) return out;
  }
}

describe('embedded mode after kill -9', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('restarts from what it had committed and converges to exactly the merged set of every fetch it recorded', async () => {
    const sources = corpusSources();
    const server = await startFixtureServer(
      Object.fromEntries(
        sources.map((s) => [
          `/${s.id}`,
          ((_req, res) =>
            void res.writeHead(200, { 'content-type': 'text/plain' }).end(s.body)) satisfies Route,
        ]),
      ),
    );
    cleanups.push(() => server.close());
    const dir = mkdtempSync(join(tmpdir(), 'submerge-e2e-crash-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const catalog = join(dir, 'sources.yaml');
    writeFileSync(
      catalog,
      [
        'allowPrivateAddresses: true',
        'sources:',
        ...sources.flatMap((s) => [
          `  - id: ${s.id}`,
          `    urls: [${server.url(`/${s.id}`, '127.0.0.1')}]`,
          '    interval: 6h',
        ]),
        '',
      ].join('\n'),
    );
    const args = ['--sources', catalog, '--port', String(await freePort()), '--data-dir', join(dir, 'data')];
    const running: EmbeddedProcess[] = [];
    cleanups.push(() => Promise.all(running.map((p) => p.stop('SIGKILL'))));

    // One host, fetched politely (one request a second): the round is still going when the process dies.
    const first = await startEmbeddedProcess(args);
    running.push(first);
    await vi.waitFor(async () => expect(await fetchAttempts(first.url)).toBeGreaterThanOrEqual(8), {
      timeout: 120_000,
      interval: 100,
    });
    expect(await first.stop('SIGKILL')).toBeNull();
    expect(first.lines.some((l) => l.includes('fetch round'))).toBe(false);

    const second = await startEmbeddedProcess(args);
    running.push(second);
    await second.waitForLine(/^submerge: restored/);
    // Whatever was fetched (before the kill, or since at a source's next slot) is what the state must hold.
    await vi.waitFor(
      async () => {
        const listed = await json<{ items: { id: string; lastOutcome: string | null }[] }>(
          `${second.url}/sources`,
        );
        const fetched = new Set(listed.items.filter((s) => s.lastOutcome === 'ok').map((s) => s.id));
        expect(fetched.size).toBeGreaterThanOrEqual(8);
        const expected = expectedMerged(sources.filter((s) => fetched.has(s.id)));
        expect([...(await servedFingerprints(second.url))].sort()).toEqual([...expected.keys()].sort());
      },
      { timeout: 180_000, interval: 1_000 },
    );
    expect(await second.stop()).toBe(0);
  });
});
