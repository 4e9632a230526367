/**
 * Prober throughput against loopback servers. Not a test: it prints figures for
 * docs/benchmarks.md. Everything runs on 127.0.0.1: the loopback lab of the prober's
 * integration tests (sing-box running vmess, vless+REALITY, vless+TLS+ws, trojan, shadowsocks
 * 2022, hysteria2 and tuic servers next to an https target), and every sing-box config the
 * prober generates is checked to stay on loopback before it runs.
 *
 *   npm run -s bench:probe [-- --configs 2000 --batch 100 --processes 2 --requests 32 --broken 0]
 *
 * 1. cheap stage: configs/s through resolve + TCP connect (+ TLS handshake with the config's
 *    SNI/ALPN where it uses TLS), or for hysteria2/tuic one QUIC Version Negotiation round trip
 *    (a 1200-byte datagram), concurrency = the run budget's cheapConcurrency.
 * 2. sing-box stage alone: configs/s through real requests via sing-box, `--processes` processes
 *    at a time, `--batch` outbounds each, `--requests` requests in flight per process; CPU
 *    seconds and peak RSS of the prober's sing-box processes (from /proc), CPU of the lab's
 *    server-side sing-box and of this Node process.
 * 3. full run: runProbeRound (cheap stage, then sing-box) over the same configs.
 *
 * `--broken 0.2` makes a fifth of the configs carry a wrong credential (fast failures).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DEFAULT_RUN_BUDGET } from '../services/core/probing/budget.ts';
import type { RunBudget } from '../services/core/probing/budget.ts';
import { coreOutbound, isCoreRejection } from '../services/core/probing/core-outbound.ts';
import { nonLoopbackTargets } from '../services/core/probing/loopback-scope.ts';
import { cheapPlan } from '../services/core/probing/probe-plan.ts';
import type { ProxyConfig } from '../services/core/model/config.ts';
import { cheapStage } from '../services/prober/cheap-stage.ts';
import { runCoreBatch } from '../services/prober/core-batch.ts';
import type { CoreBatchItem, CoreBatchOptions } from '../services/prober/core-batch.ts';
import { createCoreReaper } from '../services/prober/core-reaper.ts';
import { readCpuSeconds } from '../services/prober/proc-stats.ts';
import { runProbeRound } from '../services/prober/probe-round.ts';
import { createLogger } from '../services/shared/logger.ts';
import { componentEndpoints } from '../test/helpers/components.ts';
import { startLoopbackLab } from '../test/integration/prober/loopback-lab.ts';
import type { LabCase } from '../test/integration/prober/loopback-lab.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

const total = arg('configs', 2_000);
const batchSize = arg('batch', DEFAULT_RUN_BUDGET.coreBatchSize);
const processes = arg('processes', DEFAULT_RUN_BUDGET.coreProcesses);
const requests = arg('requests', DEFAULT_RUN_BUDGET.requestsPerCore);
const brokenShare = arg('broken', 0);

const { singBoxBin } = componentEndpoints();
const logger = createLogger({ service: 'bench-probe', level: 'warn' });
const lab = await startLoopbackLab(singBoxBin);
const reaper = createCoreReaper();
const generated: Readonly<Record<string, unknown>>[] = [];
let outside = 0;

const byName = (name: string): LabCase => {
  const found = lab.cases.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no lab case ${name}`);
  return found;
};
const brokenOf: Record<string, string> = {
  vmess: 'vmess wrong uuid',
  'vless+reality': 'vless+reality wrong uuid',
  'vless+tls+ws': 'vless+tls+ws wrong uuid',
  trojan: 'trojan wrong password',
  'shadowsocks-2022': 'shadowsocks wrong key',
  hysteria2: 'hysteria2 wrong password',
  tuic: 'tuic wrong password',
};
const everyNth = brokenShare > 0 ? Math.max(1, Math.round(1 / brokenShare)) : 0;
const configs: { readonly id: string; readonly config: ProxyConfig; readonly ok: boolean }[] = [];
for (let i = 0; i < total; i++) {
  const base = lab.working[i % lab.working.length] as LabCase;
  const broken = everyNth > 0 && i % everyNth === everyNth - 1;
  const config = broken ? byName(brokenOf[base.name] ?? base.name).config : base.config;
  configs.push({
    id: `c${String(i)}`,
    config: { ...config, name: `${base.name} #${String(i)}` },
    ok: !broken,
  });
}

const coreOptions = (): Omit<CoreBatchOptions, 'requestsPerCore' | 'logger'> => ({
  bin: singBoxBin,
  testUrl: lab.testUrl,
  acceptStatus: (status) => status >= 200 && status < 400,
  requestTimeoutMs: 5_000,
  scope: 'loopback',
  reaper,
  targetCa: [lab.cert],
  coreEnv: { SSL_CERT_FILE: lab.certFile },
  onCoreConfig(config) {
    if (nonLoopbackTargets(config).length > 0) outside++;
    if (generated.length < 3) generated.push(config);
  },
});

interface Sample {
  readonly wallS: number;
  readonly nodeCpuS: number;
  readonly serverCpuS: number;
}

async function measure(fn: () => Promise<void>): Promise<Sample> {
  const serverBefore = (await readCpuSeconds(lab.server.pid)) ?? 0;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverAfter = (await readCpuSeconds(lab.server.pid)) ?? serverBefore;
  return { wallS, nodeCpuS: (cpu.user + cpu.system) / 1e6, serverCpuS: serverAfter - serverBefore };
}

async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
}

const loadBefore = os.loadavg()[0] ?? 0;

// 1. Cheap stage.
let cheapPassed = 0;
let quicProbes = 0;
const cheap = await measure(() =>
  pool(configs, DEFAULT_RUN_BUDGET.cheapConcurrency, async ({ config }) => {
    const plan = cheapPlan(config);
    if (plan.network === 'quic') quicProbes++;
    const outcome = await cheapStage(plan, {
      scope: 'loopback',
      timeoutMs: 3_000,
      ca: [lab.cert],
    });
    if (outcome.passed) cheapPassed++;
  }),
);

// 2. sing-box stage alone.
const items: CoreBatchItem[] = configs.map(({ id, config }) => {
  const outbound = coreOutbound(config);
  if (isCoreRejection(outbound)) throw new Error(outbound.reason);
  return { id, outbound, hosts: [] };
});
const batches: CoreBatchItem[][] = [];
for (let i = 0; i < items.length; i += batchSize) batches.push(items.slice(i, i + batchSize));
let coreOk = 0;
let coreFailedExpected = 0;
let coreUnexpected = 0;
let coreCpu = 0;
let corePeakRss = 0;
let coreProcesses = 0;
let coreTraffic = 0;
const latencies: number[] = [];
const expectedOk = new Map(configs.map((c) => [c.id, c.ok]));
const core = await measure(() =>
  pool(batches, processes, async (batch) => {
    const { results, stats } = await runCoreBatch(batch, {
      ...coreOptions(),
      requestsPerCore: requests,
      logger,
    });
    coreCpu += stats.cpuSeconds;
    corePeakRss = Math.max(corePeakRss, stats.peakRssBytes);
    coreProcesses += stats.processes;
    coreTraffic += stats.coreTrafficBytes;
    for (const [id, r] of results) {
      if (r.ok) {
        coreOk++;
        latencies.push(r.latencyMs);
      } else if (expectedOk.get(id) === false) coreFailedExpected++;
      if (r.ok !== expectedOk.get(id)) coreUnexpected++;
    }
  }),
);

// 3. Full run: cheap stage, then sing-box, within a run budget.
const budget: RunBudget = {
  ...DEFAULT_RUN_BUDGET,
  maxConfigs: total,
  maxBytes: 1024 * 1024 * 1024,
  ratePerSecond: 100_000,
  burst: 100_000,
  coreBatchSize: batchSize,
  coreProcesses: processes,
  requestsPerCore: requests,
};
let roundCpu = 0;
let roundPeakRss = 0;
let roundOk = 0;
const round = await measure(async () => {
  const report = await runProbeRound(
    configs.map(({ id, config }) => ({ fingerprint: id, config })),
    {
      budget,
      cheap: { scope: 'loopback', timeoutMs: 3_000, ca: [lab.cert] },
      core: coreOptions(),
      logger,
      onResult: (_target, result) => {
        if (result.outcome === 'ok') roundOk++;
      },
    },
  );
  roundCpu = report.coreCpuSeconds;
  roundPeakRss = report.corePeakRssBytes;
});

await lab.stop();
reaper.dispose();
const loadAfter = os.loadavg()[0] ?? 0;

latencies.sort((a, b) => a - b);
const pct = (p: number): number =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
const rate = (n: number, s: number): string => (n / s).toFixed(0);
const mib = (b: number): string => (b / (1024 * 1024)).toFixed(0);

console.log(
  `machine: ${os.cpus()[0]?.model ?? '?'} x${String(os.cpus().length)}, ${mib(os.totalmem())} MiB, node ${process.version}`,
);
console.log(`load average (1 min) before/after: ${loadBefore.toFixed(1)} / ${loadAfter.toFixed(1)}`);
console.log(
  `configs: ${String(total)} (${lab.working.map((c) => c.name).join(', ')} round robin; broken share ${String(brokenShare)}), batch ${String(batchSize)}, processes ${String(processes)}, requests/process ${String(requests)}`,
);
console.log(`generated sing-box configs outside loopback: ${String(outside)}`);
console.log('');
console.log(
  '| stage | configs | wall s | configs/s (wall) | node CPU s | prober sing-box CPU s | lab server sing-box CPU s | sing-box peak RSS |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
console.log(
  `| cheap (resolve + TCP [+ TLS], or QUIC version negotiation) | ${String(total)} (${String(cheapPassed)} passed, ${String(quicProbes)} over QUIC) | ${cheap.wallS.toFixed(2)} | **${rate(total, cheap.wallS)}** | ${cheap.nodeCpuS.toFixed(2)} | — | ${cheap.serverCpuS.toFixed(2)} | — |`,
);
console.log(
  `| sing-box stage alone | ${String(total)} (${String(coreOk)} ok, ${String(coreFailedExpected)} failed as expected, ${String(coreUnexpected)} unexpected) | ${core.wallS.toFixed(2)} | **${rate(total, core.wallS)}** | ${core.nodeCpuS.toFixed(2)} | ${coreCpu.toFixed(2)} (${String(coreProcesses)} processes) | ${core.serverCpuS.toFixed(2)} | ${mib(corePeakRss)} MiB |`,
);
console.log(
  `| full run (cheap, then sing-box) | ${String(total)} (${String(roundOk)} ok) | ${round.wallS.toFixed(2)} | **${rate(total, round.wallS)}** | ${round.nodeCpuS.toFixed(2)} | ${roundCpu.toFixed(2)} | ${round.serverCpuS.toFixed(2)} | ${mib(roundPeakRss)} MiB |`,
);
console.log('');
console.log(
  `latency through sing-box (ok probes): p50 ${pct(0.5).toFixed(1)} ms, p90 ${pct(0.9).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms`,
);
console.log(
  `traffic through the prober's cores (Clash API totals): ${(coreTraffic / total).toFixed(0)} bytes per config`,
);
console.log(`per prober sing-box CPU-second: ${rate(total, coreCpu)} configs`);
if (outside > 0) process.exitCode = 1;
