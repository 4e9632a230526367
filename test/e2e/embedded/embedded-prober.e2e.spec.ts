import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch } from 'undici';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProxyConfig } from '../../../services/core/model/config.ts';
import { shareLink } from '../../../services/core/emit/uri.ts';
import { openEmbeddedClickHouse } from '../../../services/embedded/start-embedded.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { startFixtureServer } from '../../integration/fetcher/fixture-server.ts';
import { startLoopbackLab } from '../../integration/prober/loopback-lab.ts';
import type { LabCase } from '../../integration/prober/loopback-lab.ts';
import { freePort, quietSourceId, startEmbeddedProcess } from './embedded-process.ts';

// `npm start --probe` end to end: a catalog of two local sources (working configs, broken ones)
// whose configs point at the loopback lab's sing-box servers; the embedded prober (the local
// vantage, loopback scope, the lab's test URL and certificate through SUBMERGE_PROBER_ARGS)
// probes them, the scorer ranks them, the read API serves them, and the sink keeps every probe
// with its stage and code. Nothing leaves 127.0.0.1.

const HOUR = 3_600_000;
const client = new Agent({ pipelining: 0 });

const WORKING = ['vmess', 'vless+reality', 'trojan', 'shadowsocks-2022', 'hysteria2', 'tuic'];
const BROKEN = [
  'trojan wrong password',
  'trojan wrong sni',
  'shadowsocks closed port',
  'hysteria2 closed port',
  'tuic stalling server',
  'shadowsocks stalling server',
];

interface ConfigRow {
  readonly fingerprint: string;
  readonly name: string;
  readonly score: number | null;
  readonly scoreComponents: Readonly<Record<string, { readonly points: number }>> | null;
}

/** Live processes running `bin` below `root` (sing-box runs under sh and timeout), from /proc. */
function descendantsRunning(root: number, bin: string): number[] {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      commands.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] ?? '');
    } catch {
      // gone while we looked
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parents.get(pid), hops = 0; p !== undefined && hops < 16; p = parents.get(p), hops++)
      if (p === root) return true;
    return false;
  };
  return [...commands].filter(([pid, command]) => command === bin && below(pid)).map(([pid]) => pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { dispatcher: client });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${String(res.status)} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A display name that survives a share link and a merge: the lab case's name, dashed. */
const nameOf = (caseName: string): string => caseName.replace(/[^A-Za-z0-9]+/g, '-');

function link(config: ProxyConfig, name: string): string {
  const written = shareLink({ ...config, name });
  if (typeof written !== 'string') throw new Error(`no share link for ${name}: ${written.reason}`);
  return written;
}

describe('embedded mode with the prober on (npm start --probe)', () => {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('probes every served config through the loopback lab, ranks working ones above broken ones, reports unsupported ones as such, and keeps each probe with its stage and code', async () => {
    const { singBoxBin } = componentEndpoints();
    const lab = await startLoopbackLab(singBoxBin);
    cleanups.push(() => lab.stop());
    const pick = (names: readonly string[]): LabCase[] =>
      names.map((n) => {
        const found = lab.cases.find((c) => c.name === n);
        if (found === undefined) throw new Error(`no lab case ${n}`);
        return found;
      });
    const working = pick(WORKING);
    const broken = pick(BROKEN);
    // This sing-box is built without with_wireguard: the prober must say unsupported, not failing.
    const wireguard: ProxyConfig = {
      protocol: 'wireguard',
      name: 'wireguard',
      server: '127.0.0.1',
      port: await freePort(),
      privateKey: randomBytes(32).toString('base64'),
      peerPublicKey: randomBytes(32).toString('base64'),
      addresses: ['172.16.0.2/32'],
    };

    const good = working.map((c) => link(c.config, nameOf(c.name))).join('\n');
    const bad = [
      ...broken.map((c) => link(c.config, nameOf(c.name))),
      link(wireguard, 'wireguard-unsupported'),
    ].join('\n');
    const server = await startFixtureServer({
      '/good.txt': (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end(good),
      '/bad.txt': (_req, res) =>
        void res.writeHead(200, { 'content-type': 'text/plain' }).end(Buffer.from(bad).toString('base64')),
    });
    cleanups.push(() => server.close());

    const dir = mkdtempSync(join(tmpdir(), 'submerge-e2e-prober-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const catalog = join(dir, 'sources.yaml');
    writeFileSync(
      catalog,
      [
        'allowPrivateAddresses: true',
        'sources:',
        `  - id: ${quietSourceId('good', HOUR, 20 * 60_000)}`,
        `    urls: [${server.url('/good.txt', '127.0.0.1')}]`,
        '    interval: 1h',
        `  - id: ${quietSourceId('bad', HOUR, 20 * 60_000)}`,
        `    urls: [${server.url('/bad.txt', '127.0.0.1')}]`,
        '    interval: 1h',
        '',
      ].join('\n'),
    );
    const dataDir = join(dir, 'data');
    const proc = await startEmbeddedProcess(
      [
        '--sources',
        catalog,
        '--data-dir',
        dataDir,
        '--port',
        String(await freePort()),
        '--probe',
        '--singbox-bin',
        singBoxBin,
      ],
      {
        // Keep the loopback configs the sources carry, and tell wrong SNIs apart from right ones.
        SUBMERGE_ALLOW_PRIVATE_ADDRESSES: 'true',
        SUBMERGE_FINGERPRINT_POLICY: 'full',
        SUBMERGE_PROBER_ARGS: [
          '--address-scope loopback',
          `--test-url ${lab.testUrl.href}`,
          `--ca-file ${lab.certFile}`,
          '--cheap-timeout-ms 1500',
          '--proxy-timeout-ms 3000',
          '--run-interval 1s',
          '--idle 1s',
        ].join(' '),
      },
    );
    cleanups.push(() => proc.stop('SIGKILL'));

    const expected = new Map<string, { readonly outcome: string; readonly working: boolean }>([
      ...working.map((c) => [nameOf(c.name), { outcome: 'ok', working: true }] as const),
      ...broken.map((c) => [nameOf(c.name), { outcome: c.expect.outcome, working: false }] as const),
      ['wireguard-unsupported', { outcome: 'unsupported', working: false }],
    ]);

    // Every config scored from its probe, as the read API serves it.
    type Detail = { scoreDetail: { score: number; lastProbeOutcome: string | null } | null };
    const byName = new Map<string, ConfigRow>();
    const outcomes = new Map<string, string | null>();
    const cores = new Set<number>();
    const until = Date.now() + 180_000;
    for (;;) {
      for (const pid of descendantsRunning(proc.pid, singBoxBin)) cores.add(pid);
      const page = await getJson<{ items: ConfigRow[] }>(`${proc.url}/configs?limit=1000`);
      byName.clear();
      for (const row of page.items) byName.set(row.name, row);
      outcomes.clear();
      for (const [name] of expected) {
        const row = byName.get(name);
        if (row === undefined) continue;
        const detail = await getJson<Detail>(`${proc.url}/configs/${row.fingerprint}`);
        outcomes.set(name, detail.scoreDetail?.lastProbeOutcome ?? null);
      }
      if ([...expected.keys()].every((n) => outcomes.get(n) != null)) break;
      if (Date.now() > until)
        throw new Error(
          `not every config was probed and scored: ${JSON.stringify(Object.fromEntries(outcomes))}\n${proc.stderr()}`,
        );
      await sleep(500);
    }

    expect(Object.fromEntries(outcomes)).toEqual(
      Object.fromEntries([...expected].map(([name, e]) => [name, e.outcome])),
    );
    // Every score is 0-100 and explained: the points of its components add up to it.
    for (const [name] of expected) {
      const row = byName.get(name);
      expect(row?.score, name).toBeGreaterThanOrEqual(0);
      expect(row?.score, name).toBeLessThanOrEqual(100);
      const points = Object.values(row?.scoreComponents ?? {}).reduce((sum, c) => sum + c.points, 0);
      expect(points, name).toBeCloseTo(row?.score ?? Number.NaN, 6);
    }
    const scoreOf = (name: string): number => byName.get(name)?.score ?? Number.NaN;
    const worst = Math.min(...working.map((c) => scoreOf(nameOf(c.name))));
    for (const name of [...broken.map((c) => nameOf(c.name)), 'wireguard-unsupported'])
      expect(scoreOf(name), name).toBeLessThan(worst);

    // The best-scored subscription is the working configs.
    const res = await fetch(`${proc.url}/sub/clash?sort=score&limit=${String(working.length)}`, {
      dispatcher: client,
    });
    expect(res.status).toBe(200);
    const served = (parseYaml(await res.text()) as { proxies: { name: string }[] }).proxies.map(
      (p) => p.name,
    );
    expect(served.sort()).toEqual(working.map((c) => nameOf(c.name)).sort());

    // A clean stop leaves no sing-box behind and flushes the history: every probe is kept with
    // the stage it ended at and its stable code.
    expect(await proc.stop('SIGTERM')).toBe(0);
    // Cores live for a run (the stalling server holds one for the proxy timeout), so some were seen.
    expect(cores.size).toBeGreaterThan(0);
    expect([...cores].filter(alive)).toEqual([]);
    const clickhouse = await openEmbeddedClickHouse(
      dataDir,
      'submerge',
      createLogger({ service: 'e2e', level: 'silent' }),
    );
    cleanups.push(() => clickhouse.close());
    const rows = await (
      await clickhouse.query({
        query:
          'SELECT fingerprint, stage, outcome, error_code, prober FROM config_probes FINAL ORDER BY probed_at',
        format: 'JSONEachRow',
      })
    ).json<{ fingerprint: string; stage: string; outcome: string; error_code: string; prober: string }>();
    const lastProbe = new Map(rows.map((r) => [r.fingerprint, r]));
    const seen = (name: string) => {
      const r = lastProbe.get(byName.get(name)?.fingerprint ?? '');
      return r === undefined ? undefined : { stage: r.stage, outcome: r.outcome, code: r.error_code || null };
    };
    for (const c of [...working, ...broken]) expect(seen(nameOf(c.name)), c.name).toEqual(c.expect);
    expect(seen('wireguard-unsupported')).toEqual({
      stage: 'proxy',
      outcome: 'unsupported',
      code: 'UNSUPPORTED_PROTOCOL',
    });
  });
});
