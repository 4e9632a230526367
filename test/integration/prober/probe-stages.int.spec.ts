import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RUN_BUDGET } from '../../../services/core/probing/budget.ts';
import type { RunBudget } from '../../../services/core/probing/budget.ts';
import { nonLoopbackTargets } from '../../../services/core/probing/loopback-scope.ts';
import type { ProbeResult } from '../../../services/core/probing/probe-result.ts';
import { createCoreReaper } from '../../../services/prober/core-reaper.ts';
import type { CoreReaper } from '../../../services/prober/core-reaper.ts';
import type { Lookup } from '../../../services/prober/cheap-stage.ts';
import { runProbeRound } from '../../../services/prober/probe-round.ts';
import type { ProbeRoundOptions } from '../../../services/prober/probe-round.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { startLoopbackLab } from './loopback-lab.ts';
import type { LoopbackLab } from './loopback-lab.ts';

// The cheap stage and the sing-box stage against real servers: sing-box runs vmess, vless
// (REALITY, TLS+ws), trojan, shadowsocks 2022, hysteria2 and tuic on 127.0.0.1 next to an https
// target, a stalling TCP server and a silent UDP socket. Every sing-box config the prober
// generates is checked to stay on loopback before it runs.

const { singBoxBin } = componentEndpoints();
const logger = createLogger({ service: 'prober-it', level: 'silent' });
let lab: LoopbackLab;
let reaper: CoreReaper;
const coreConfigs: Readonly<Record<string, unknown>>[] = [];

beforeAll(async () => {
  lab = await startLoopbackLab(singBoxBin);
});
afterAll(async () => {
  await lab.stop();
});
afterEach(() => {
  // Nothing the prober started may outlive a test.
  // Kill whatever is left before judging, so a failing test cannot leave a core behind.
  const leaked = reaper.live();
  reaper.killAll();
  reaper.dispose();
  expect(leaked).toEqual([]);
});

function options(
  onResult: ProbeRoundOptions['onResult'],
  budget: Partial<RunBudget> = {},
): ProbeRoundOptions {
  reaper = createCoreReaper();
  return {
    budget: { ...DEFAULT_RUN_BUDGET, ...budget },
    cheap: { scope: 'loopback', timeoutMs: 1_500, ca: [lab.cert] },
    core: {
      bin: singBoxBin,
      testUrl: lab.testUrl,
      acceptStatus: (status) => status >= 200 && status < 400,
      requestTimeoutMs: 2_500,
      scope: 'loopback',
      reaper,
      targetCa: [lab.cert],
      coreEnv: { SSL_CERT_FILE: lab.certFile },
      onCoreConfig: (config) => coreConfigs.push(config),
    },
    logger,
    onResult,
  };
}

async function probeAll(budget: Partial<RunBudget> = {}): Promise<Map<string, ProbeResult>> {
  const results = new Map<string, ProbeResult>();
  await runProbeRound(
    lab.cases.map((c) => ({ fingerprint: c.name, config: c.config })),
    options((target, result) => results.set(target.fingerprint, result), budget),
  );
  return results;
}

describe('probe stages against loopback servers run by sing-box', () => {
  let results: Map<string, ProbeResult>;
  beforeAll(async () => {
    results = await probeAll();
  });

  it('keeps the lab server config and every generated sing-box config on loopback', () => {
    expect(nonLoopbackTargets(lab.serverConfig)).toEqual([]);
    expect(coreConfigs.length).toBeGreaterThan(0);
    for (const config of coreConfigs) expect(nonLoopbackTargets(config)).toEqual([]);
  });

  it('reports every working config of every protocol as ok at the proxy stage with a latency', () => {
    for (const c of lab.working) {
      const r = results.get(c.name);
      expect({ name: c.name, stage: r?.stage, outcome: r?.outcome, code: r?.code }).toEqual({
        name: c.name,
        stage: 'proxy',
        outcome: 'ok',
        code: null,
      });
      expect(r?.latencyMs).toBeGreaterThan(0);
      expect(r?.bytes).toBeGreaterThan(0);
      expect(r?.target).toBe(lab.testUrl.href);
    }
  });

  it('measures TCP connect and TLS handshake in the cheap stage where the config uses them', () => {
    expect(results.get('trojan')).toMatchObject({
      connectMs: expect.any(Number) as number,
      tlsHandshakeMs: expect.any(Number) as number,
    });
    expect(results.get('shadowsocks-2022')).toMatchObject({
      connectMs: expect.any(Number) as number,
      tlsHandshakeMs: null,
    });
    // QUIC: one Version Negotiation round trip, no connect or handshake to time.
    expect(results.get('hysteria2')).toMatchObject({ connectMs: null, tlsHandshakeMs: null });
  });

  it('asks QUIC servers for Version Negotiation before any core runs, and stops silent or closed ports there', () => {
    for (const name of ['hysteria2', 'tuic', 'hysteria2 wrong password', 'tuic wrong password']) {
      // The probe datagram (>= 1200 bytes) and the answer are counted in the probe's traffic.
      expect(results.get(name)?.stage).toBe('proxy');
      expect(results.get(name)?.bytes).toBeGreaterThan(1200);
    }
    expect(results.get('tuic closed port')).toMatchObject({
      stage: 'udp',
      code: 'CONNECTION_REFUSED',
      latencyMs: null,
    });
    expect(results.get('tuic stalling server')).toMatchObject({ stage: 'udp', code: 'QUIC_NO_RESPONSE' });
    expect(results.get('tuic stalling server')?.detail).toMatch(/no Version Negotiation within/);
  });

  it.each([
    'vmess wrong uuid',
    'vless+reality wrong uuid',
    'vless+tls+ws wrong uuid',
    'trojan wrong password',
    'shadowsocks wrong key',
    'hysteria2 wrong password',
    'tuic wrong password',
    'trojan wrong sni',
    'vless+reality wrong sni',
    'hysteria2 wrong sni',
    'shadowsocks closed port',
    'hysteria2 closed port',
    'tuic closed port',
    'shadowsocks stalling server',
    'trojan stalling server',
    'hysteria2 stalling server',
    'tuic stalling server',
    'hysteria2+salamander stalling server',
    'vless over xhttp',
    'public address',
    'public host name',
    'trojan via localhost name',
  ])('reports %s at the right stage with the right code', (name) => {
    const c = lab.cases.find((x) => x.name === name);
    const r = results.get(name);
    expect({ stage: r?.stage, outcome: r?.outcome, code: r?.code }).toEqual(c?.expect);
    if (c?.expect.outcome !== 'ok') expect(r?.detail).not.toBe('');
  });

  it('probes every case once', () => {
    expect([...results.keys()].sort()).toEqual(lab.cases.map((c) => c.name).sort());
  });
});

describe('run budget', () => {
  it('stops at the per-run config budget and leaves the rest for the next run', async () => {
    const seen: string[] = [];
    const report = await runProbeRound(
      lab.working.map((c) => ({ fingerprint: c.name, config: c.config })),
      options((target) => seen.push(target.fingerprint), { maxConfigs: 3 }),
    );
    expect(report).toMatchObject({ probed: 3, deferred: lab.working.length - 3, exhausted: 'configs' });
    // The schedule's order is kept: the first three go.
    expect(seen.sort()).toEqual(
      lab.working
        .slice(0, 3)
        .map((c) => c.name)
        .sort(),
    );
  });

  it('stops at the traffic budget', async () => {
    const report = await runProbeRound(
      lab.working.map((c) => ({ fingerprint: c.name, config: c.config })),
      options(() => undefined, { maxBytes: 40_000, bytesPerProbeEstimate: 16_000 }),
    );
    expect(report.exhausted).toBe('traffic');
    expect(report.probed).toBe(2);
  });

  it('runs every config through the core in batches of the configured size', async () => {
    const report = await runProbeRound(
      lab.working.map((c) => ({ fingerprint: c.name, config: c.config })),
      options(() => undefined, { coreBatchSize: 3, coreProcesses: 2 }),
    );
    expect(report).toMatchObject({
      probed: lab.working.length,
      coreConfigs: lab.working.length,
      coreProcesses: 3,
    });
    expect(report.corePeakRssBytes).toBeGreaterThan(0);
  });

  it('never has more cheap checks or sing-box processes at once than the budget allows', async () => {
    // Cheap checks: counted at our own resolver port, which holds each lookup a moment and answers
    // with a loopback address that the public scope then refuses: no packet leaves the process.
    let lookups = 0;
    let peakLookups = 0;
    const lookup: Lookup = async () => {
      peakLookups = Math.max(peakLookups, ++lookups);
      await sleep(30);
      lookups--;
      return ['127.0.0.1'];
    };
    const ss = lab.working.find((c) => c.config.protocol === 'shadowsocks')?.config;
    if (ss === undefined) throw new Error('no shadowsocks case');
    const named = Array.from({ length: 12 }, (_, i) => ({
      fingerprint: `named-${String(i)}`,
      config: { ...ss, server: `node-${String(i)}.budget-check.net` },
    }));
    const refused: (string | null)[] = [];
    const cheapOnly = options((_t, r) => refused.push(r.code), { cheapConcurrency: 3 });
    await runProbeRound(named, { ...cheapOnly, cheap: { scope: 'public', timeoutMs: 1_500, lookup } });
    expect(refused).toEqual(named.map(() => 'ADDRESS_NOT_ALLOWED'));
    expect(peakLookups).toBe(3);
    reaper.dispose();

    // sing-box processes: counted where each one is tracked for the reaper.
    let cores = 0;
    let peakCores = 0;
    const o = options(() => undefined, { coreProcesses: 2, coreBatchSize: 1 });
    const real = o.core.reaper;
    const counting: CoreReaper = {
      ...real,
      track(pgid, dir) {
        peakCores = Math.max(peakCores, ++cores);
        const untrack = real.track(pgid, dir);
        let gone = false;
        return () => {
          if (!gone) cores--;
          gone = true;
          untrack();
        };
      },
    };
    const report = await runProbeRound(
      lab.working.map((c) => ({ fingerprint: c.name, config: c.config })),
      { ...o, core: { ...o.core, reaper: counting } },
    );
    expect(report).toMatchObject({ probed: lab.working.length, coreProcesses: lab.working.length });
    expect(peakCores).toBe(2);
  });
});
