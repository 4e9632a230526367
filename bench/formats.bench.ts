/**
 * Format-core throughput on the shared corpus, one core (run under `taskset -c 1` for a
 * strict single-core figure). Not a test: it prints figures for docs/benchmarks.md.
 *
 *   npm run -s bench:formats [-- --links 1000000 --configs 1000000]
 *
 * 1. links/s for detect + parse + validate + fingerprint: every list file of the corpus
 *    (plain and base64 bodies, as published) is parsed with parseSubscription and every
 *    config is fingerprinted (default policy), round after round until >= --links links
 *    (lines carrying `://`) have gone through. Structured containers (Clash YAML, sing-box,
 *    Xray JSON, QuanX) are measured the same way and reported as configs/s.
 * 2. configs/s per emitter: every config parsed from the corpus, replicated to >= --configs,
 *    emitted in documents of 10,000 configs (a large real subscription).
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseSubscription } from '../services/core/formats/parse-subscription.ts';
import { fingerprint } from '../services/core/identity/fingerprint.ts';
import { FINGERPRINT_POLICY_LIST } from '../services/core/identity/fingerprint-policy.ts';
import type { ProxyConfig } from '../services/core/model/index.ts';
import { EMITTERS } from '../test/helpers/format-invariants.ts';
import { listCorpusFiles } from '../test/helpers/fuzz-seeds.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const targetLinks = arg('links', 1_000_000);
const targetConfigs = arg('configs', 1_000_000);
const DOC_SIZE = 10_000;

interface Body {
  readonly name: string;
  readonly text: string;
  readonly links: number;
}

const lists: Body[] = [];
const structured: Body[] = [];
for (const file of listCorpusFiles()) {
  const text = file.body.toString('utf8');
  const head = text.trimStart().slice(0, 1);
  const isStructured =
    head === '{' || head === '[' || /^proxies:/m.test(text) || text.includes('[server_local]');
  if (isStructured) {
    structured.push({ name: file.relative, text, links: 0 });
    continue;
  }
  const plain = /^[A-Za-z0-9+/=\s]+$/.test(text.slice(0, 2000))
    ? Buffer.from(text, 'base64').toString('utf8')
    : text;
  const links = plain.split(/\r?\n/).filter((l) => l.includes('://') && !l.startsWith('//')).length;
  lists.push({ name: file.relative, text, links });
}

function parseRound(bodies: readonly Body[]): { links: number; configs: number } {
  let links = 0;
  let configs = 0;
  for (const body of bodies) {
    const result = parseSubscription(body.text);
    for (const parsed of result.configs) {
      if (fingerprint(parsed.config).length !== 64) throw new Error('bad fingerprint');
    }
    links += body.links;
    configs += result.configs.length;
  }
  return { links, configs };
}

function measureParse(bodies: readonly Body[], target: number, unit: 'links' | 'configs') {
  parseRound(bodies); // warm-up: JIT and inline caches
  let links = 0;
  let configs = 0;
  let rounds = 0;
  const clock = startClock();
  while ((unit === 'links' ? links : configs) < target) {
    const round = parseRound(bodies);
    links += round.links;
    configs += round.configs;
    rounds += 1;
  }
  return { rounds, links, configs, ...clock.stop() };
}

/**
 * Wall time and this process's CPU time (user + system). On a machine shared with other
 * work the wall figure drops with the load; the CPU figure is what one core delivers.
 */
function startClock(): { stop(): { seconds: number; cpuSeconds: number } } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return {
    stop() {
      const used = process.cpuUsage(cpu);
      return { seconds: (performance.now() - wall) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
    },
  };
}

const rate = (count: number, run: { seconds: number; cpuSeconds: number }): string =>
  `${fmt(count / run.cpuSeconds)}/s per CPU-second (${fmt(count / run.seconds)}/s wall, ${run.seconds.toFixed(2)} s wall, ${run.cpuSeconds.toFixed(2)} s CPU)`;

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const cpu = os.cpus()[0]?.model ?? 'unknown';
console.log(
  `node ${process.version} · ${cpu} · ${os.cpus().length} logical CPUs · load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);

const listRun = measureParse(lists, targetLinks, 'links');
console.log(
  `links: ${fmt(listRun.links)} links (${fmt(listRun.configs)} configs) from ${lists.length} list bodies x ${listRun.rounds} rounds: ` +
    `${rate(listRun.links, listRun)} [detect+parse+validate+fingerprint]`,
);

const structuredRun = measureParse(structured, Math.min(targetLinks, 300_000), 'configs');
console.log(
  `structured: ${fmt(structuredRun.configs)} configs from ${structured.length} YAML/JSON/QuanX bodies x ${structuredRun.rounds} rounds: ` +
    `${rate(structuredRun.configs, structuredRun)}`,
);

// Emitters: every config of the corpus, replicated.
const corpusConfigs: ProxyConfig[] = [];
for (const body of [...lists, ...structured]) {
  for (const parsed of parseSubscription(body.text).configs) corpusConfigs.push(parsed.config);
}
const replicated: ProxyConfig[] = [];
while (replicated.length < targetConfigs) replicated.push(...corpusConfigs);
console.log(
  `emit input: ${fmt(corpusConfigs.length)} corpus configs replicated to ${fmt(replicated.length)}`,
);

for (const [target, emit] of Object.entries(EMITTERS)) {
  emit(corpusConfigs.slice(0, DOC_SIZE)); // warm-up
  let emitted = 0;
  let bytes = 0;
  const clock = startClock();
  for (let i = 0; i < replicated.length; i += DOC_SIZE) {
    const result = emit(replicated.slice(i, i + DOC_SIZE));
    emitted += result.emitted;
    bytes += result.output.length;
  }
  const run = clock.stop();
  console.log(
    `emit ${target.padEnd(8)}: ${fmt(replicated.length)} configs (${fmt(emitted)} emitted, ${(bytes / 1e6).toFixed(0)} MB): ` +
      rate(replicated.length, run),
  );
}

// Identity alone: fingerprints per policy over the same replicated configs.
for (const policy of FINGERPRINT_POLICY_LIST) {
  for (const config of corpusConfigs) fingerprint(config, policy); // warm-up
  const clock = startClock();
  for (const config of replicated) fingerprint(config, policy);
  console.log(
    `fingerprint ${policy.padEnd(10)}: ${fmt(replicated.length)} configs: ${rate(replicated.length, clock.stop())}`,
  );
}
