import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { coreOutbound, isCoreRejection } from '../../../services/core/probing/core-outbound.ts';
import type { CoreOutbound } from '../../../services/core/probing/core-outbound.ts';
import type { ProxyConfig } from '../../../services/core/model/config.ts';
import { runCoreBatch } from '../../../services/prober/core-batch.ts';
import type { CoreBatchItem, CoreBatchOptions } from '../../../services/prober/core-batch.ts';
import { createCoreReaper } from '../../../services/prober/core-reaper.ts';
import type { CoreReaper } from '../../../services/prober/core-reaper.ts';
import { processAlive } from '../../../services/prober/proc-stats.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { startLoopbackLab } from './loopback-lab.ts';
import type { LoopbackLab } from './loopback-lab.ts';

// sing-box supervision with the real binary: memory and lifetime limits, restarts after a crash
// and after a refused config, and no process or temp dir left behind — not after a batch, not
// when the prober exits on SIGTERM, not even when the prober is SIGKILLed.

const { singBoxBin } = componentEndpoints();
const logger = createLogger({ service: 'prober-it', level: 'silent' });
const NODE = process.execPath;
let lab: LoopbackLab;
let reaper: CoreReaper;
let tempBefore: string[];

const probeDirs = async (): Promise<string[]> =>
  (await readdir(tmpdir())).filter((name) => name.startsWith('submerge-probe-')).sort();

function item(name: string): CoreBatchItem {
  const config = lab.cases.find((c) => c.name === name)?.config;
  if (config === undefined) throw new Error(`no lab case ${name}`);
  return { id: name, outbound: outboundOf(config), hosts: [] };
}

function outboundOf(config: ProxyConfig): CoreOutbound {
  const outbound = coreOutbound(config);
  if (isCoreRejection(outbound)) throw new Error(outbound.reason);
  return outbound;
}

function batchOptions(over: Partial<CoreBatchOptions> = {}): CoreBatchOptions {
  return {
    bin: singBoxBin,
    testUrl: lab.testUrl,
    acceptStatus: (status) => status >= 200 && status < 400,
    requestTimeoutMs: 2_000,
    requestsPerCore: 8,
    scope: 'loopback',
    reaper,
    logger,
    targetCa: [lab.cert],
    coreEnv: { SSL_CERT_FILE: lab.certFile },
    ...over,
  };
}

beforeAll(async () => {
  lab = await startLoopbackLab(singBoxBin);
});
afterAll(async () => {
  await lab.stop();
});
beforeEach(async () => {
  reaper = createCoreReaper();
  tempBefore = await probeDirs();
});
afterEach(async () => {
  // Kill whatever is left before judging, so a failing test cannot leave a core behind.
  const leaked = reaper.live();
  reaper.killAll();
  reaper.dispose();
  expect(leaked).toEqual([]);
  // Temp dirs go once the process has exited; give the unawaited removal a moment.
  for (let i = 0; i < 50 && (await probeDirs()).length > tempBefore.length; i++) await sleep(20);
  expect(await probeDirs()).toEqual(tempBefore);
});

describe('a batch in one sing-box process', () => {
  it('reports a config sing-box refuses on start as CORE_REJECTED_CONFIG and runs the others in a restarted process', async () => {
    const broken: CoreBatchItem = {
      id: 'bad reality key',
      outbound: {
        kind: 'outbound',
        body: {
          ...outboundOf(lab.working[1]?.config as ProxyConfig).body,
          tls: {
            enabled: true,
            server_name: 'localhost',
            utls: { enabled: true, fingerprint: 'chrome' },
            reality: { enabled: true, public_key: 'not-a-key', short_id: 'ab' },
          },
        },
      },
      hosts: [],
    };
    const { results, stats } = await runCoreBatch([item('vmess'), broken, item('trojan')], batchOptions());
    expect(results.get('bad reality key')).toMatchObject({
      ok: false,
      failure: {
        outcome: 'unsupported',
        code: 'CORE_REJECTED_CONFIG',
        detail: expect.stringContaining('public_key') as string,
      },
    });
    expect(results.get('vmess')).toMatchObject({ ok: true });
    expect(results.get('trojan')).toMatchObject({ ok: true });
    expect(stats.processes).toBe(2);
  });

  it('restarts after sing-box crashes mid-batch and finishes the configs that were in flight', async () => {
    let killed = false;
    const batch = runCoreBatch([item('shadowsocks stalling server'), item('vmess')], batchOptions());
    // Kill the first process from outside while the stalling request is in flight.
    while (!killed) {
      const [pgid] = reaper.live();
      if (pgid !== undefined) {
        await sleep(400);
        process.kill(-pgid, 'SIGKILL');
        killed = true;
      } else await sleep(10);
    }
    const { results, stats } = await batch;
    expect(stats.processes).toBe(2);
    expect(results.get('vmess')).toMatchObject({ ok: true });
    // Probed again in the second process, where it timed out normally.
    expect(results.get('shadowsocks stalling server')).toMatchObject({
      ok: false,
      failure: { code: 'PROXY_TIMEOUT' },
    });
  });

  it('kills a sing-box whose memory passes the limit and, after the retry, reports CORE_CRASHED as a core error', async () => {
    const { results, stats } = await runCoreBatch(
      [item('shadowsocks stalling server')],
      batchOptions({ limits: { maxRssBytes: 1024 * 1024, watchIntervalMs: 50 } }),
    );
    expect(stats.processes).toBe(2);
    expect(results.get('shadowsocks stalling server')).toMatchObject({
      ok: false,
      failure: {
        outcome: 'core-error',
        code: 'CORE_CRASHED',
        detail: expect.stringContaining('memory') as string,
      },
    });
  });

  it('kills a sing-box that outlives its lifetime', async () => {
    const started = Date.now();
    const { results, stats } = await runCoreBatch(
      [item('shadowsocks stalling server')],
      batchOptions({ requestTimeoutMs: 20_000, limits: { maxLifetimeMs: 800 } }),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stats.processes).toBe(2);
    expect(results.get('shadowsocks stalling server')).toMatchObject({
      ok: false,
      failure: { code: 'CORE_CRASHED', detail: expect.stringContaining('lifetime') as string },
    });
  });

  it('counts the peak memory and CPU time of its processes', async () => {
    const { stats } = await runCoreBatch(
      lab.working.map((c) => ({ id: c.name, outbound: outboundOf(c.config), hosts: [] })),
      batchOptions(),
    );
    expect(stats.peakRssBytes).toBeGreaterThan(1024 * 1024);
    expect(stats.cpuSeconds).toBeGreaterThanOrEqual(0);
    expect(stats.coreTrafficBytes).toBeGreaterThan(0);
  });

  it('refuses to start a config that leaves loopback in loopback scope', async () => {
    const outside: CoreBatchItem = {
      id: 'outside',
      outbound: outboundOf({ ...(lab.working[4]?.config as ProxyConfig), server: '192.0.2.1' }),
      hosts: [],
    };
    await expect(runCoreBatch([outside], batchOptions())).rejects.toThrow(/loopback scope.*192\.0\.2\.1/);
    expect(reaper.live()).toEqual([]);
  });
});

describe('no sing-box outlives the prober', () => {
  async function startHolder(
    lifetimeMs: number,
  ): Promise<{ holder: ReturnType<typeof spawn>; corePid: number }> {
    const holder = spawn(
      NODE,
      ['--import', 'tsx', join(import.meta.dirname, 'core-holder.ts'), singBoxBin, String(lifetimeMs)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const corePid = await new Promise<number>((resolve, reject) => {
      let out = '';
      holder.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const pid = /READY (\d+)/.exec(out)?.[1];
        if (pid !== undefined) resolve(Number(pid));
      });
      holder.once('exit', (code) => reject(new Error(`holder exited early (${String(code)}): ${out}`)));
    });
    return { holder, corePid };
  }

  async function gone(pid: number, withinMs: number): Promise<boolean> {
    const until = Date.now() + withinMs;
    while (Date.now() < until) {
      if (!(await processAlive(pid))) return true;
      await sleep(50);
    }
    return !(await processAlive(pid));
  }

  it('kills its sing-box when it exits on SIGTERM', async () => {
    const { holder, corePid } = await startHolder(60_000);
    expect(await processAlive(corePid)).toBe(true);
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGTERM');
    await exited;
    expect(await gone(corePid, 2_000)).toBe(true);
  });

  it('leaves its sing-box to the timeout wrapper when it is SIGKILLed, which ends it after the lifetime', async () => {
    const { holder, corePid } = await startHolder(1_000);
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    // Lifetime 1s + the wrapper's 5s slack, rounded up to whole seconds.
    expect(await gone(corePid, 12_000)).toBe(true);
  });
});
