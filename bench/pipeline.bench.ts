/**
 * Parse/merge pipeline on the real broker and registry (infra/local). Not a test: it prints
 * figures for docs/benchmarks.md.
 *
 *   npm run -s bench:pipeline [-- --lines 1000000 --sources 200 --latency-runs 40 --mode processes|in-process]
 *
 * 1. raw -> current throughput: --sources fetch events carrying --lines share-link lines in
 *    total (corpus links, re-ported per copy so each copy is its own config; neighbouring
 *    sources share 30 % of their lines, so the merger folds real overlap) are appended to a
 *    fresh sources.fetched.v1; then the parser and merger replay them into configs.current.
 *    `processes` (default) runs the real parser and merger services as two processes (the
 *    deployment shape, both cores); `in-process` runs `submerge replay`'s executeReplay in this
 *    process. configs/s = config lines / wall seconds from the processors being ready to
 *    configs.current complete; CPU seconds of the processors are reported beside it.
 * 2. fetch -> current latency: with the processors running, one source at a time changes (one
 *    line dropped, one new config added); the time from appending its fetch event to a
 *    read_committed consumer seeing both keys updated on configs.current, --latency-runs times.
 *
 * Everything lives under a unique topic prefix and is deleted afterwards.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { planReplay } from '../services/cli/replay-plan.ts';
import { executeReplay } from '../services/cli/replay.ts';
import { parseSubscription } from '../services/core/formats/parse-subscription.ts';
import { fingerprint } from '../services/core/identity/fingerprint.ts';
import {
  PROCESSOR_KINDS,
  pipelineEventSpecs,
  pipelineTopics,
  processorName,
  processorTopicSpecs,
} from '../services/core/processors/pipeline-topics.ts';
import type { SourceFetched } from '../services/generated/events.ts';
import { valueSubject } from '../services/shared/events/topic-catalog.ts';
import { createLogger } from '../services/shared/logger.ts';
import { countPendingRecords } from '../services/pipeline/kafka-pending-records.ts';
import { waitUntilCaughtUp } from '../services/pipeline/group-progress.ts';
import { openKafkaPipelineLog } from '../services/pipeline/kafka-pipeline-log.ts';
import { startPipelineProcessor } from '../services/pipeline/pipeline-processors.ts';
import type { StartedProcessor } from '../services/pipeline/pipeline-processors.ts';
import { componentEndpoints } from '../test/helpers/components.ts';
import { fetchedEvent } from '../test/helpers/fetch-events.ts';
import { deleteSubject } from '../test/helpers/kafka.ts';
import { listCorpusFiles } from '../test/helpers/fuzz-seeds.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const modeIndex = process.argv.indexOf('--mode');
const MODE = modeIndex >= 0 && process.argv[modeIndex + 1] === 'in-process' ? 'in-process' : 'processes';
const TARGET_LINES = arg('lines', 1_000_000);
const SOURCES = arg('sources', 200);
const LATENCY_RUNS = arg('latency-runs', 40);
const OVERLAP = 0.3;
const T0 = Date.UTC(2026, 0, 1);

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const say = (line: string): void => void process.stdout.write(`${line}\n`);

// --- config lines -------------------------------------------------------------------------

/** Corpus share links of the `scheme://user@host:port...` form that parse to one config each. */
function corpusLinks(): string[] {
  const links = new Set<string>();
  for (const file of listCorpusFiles()) {
    let text = file.body.toString('utf8');
    const head = text.trimStart().slice(0, 1);
    if (head === '{' || head === '[' || /^proxies:/m.test(text) || text.includes('[server_local]')) continue;
    if (/^[A-Za-z0-9+/=\s]+$/.test(text.slice(0, 2000))) text = Buffer.from(text, 'base64').toString('utf8');
    for (const line of text.split(/\r?\n/)) if (ENDPOINT.test(line)) links.add(line.trim());
  }
  // One link per config: copies of a link are then distinct configs, and every line of a body counts.
  const byFingerprint = new Map<string, string>();
  for (const link of links) {
    const parsed = parseSubscription(link).configs;
    if (parsed.length !== 1 || parsed[0] === undefined) continue;
    const fp = fingerprint(parsed[0].config);
    if (!byFingerprint.has(fp)) byFingerprint.set(fp, link);
  }
  return [...byFingerprint.values()];
}
const ENDPOINT = /^([a-z0-9]+:\/\/[^@\s]+@(?:\[[^\]\s]+\]|[^:/?#\s@]+)):(\d{1,5})(?=[/?#]|$)/i;

/** Copy `k` of a link: the same config on another port, so it is a config of its own. */
function reported(link: string, k: number): string {
  if (k === 0) return link;
  return link.replace(
    ENDPOINT,
    (_m, head: string, port: string) => `${head}:${1024 + ((Number(port) + k * 7919) % 64000)}`,
  );
}

/** Line i of an endless pool: corpus links, then their copies on other ports, and so on. */
function poolLine(links: readonly string[], i: number): string {
  return reported(links[i % links.length] as string, Math.floor(i / links.length));
}

// --- processes ------------------------------------------------------------------------------

interface Service {
  readonly kind: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

/** Peak resident set of a process, MiB (VmHWM). */
function peakMiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
    return line?.[1] === undefined ? 0 : Number(line[1]) / 1024;
  } catch {
    return 0;
  }
}

function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The local broker's pid, from infra/local's pid file, to count its CPU seconds too. */
function brokerPid(): number | undefined {
  const run = process.env['SUBMERGE_RUN'] ?? resolve(os.homedir(), '.cache/submerge/run');
  try {
    return Number(readFileSync(resolve(run, 'kafka.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const { kafkaBrokers: brokers, schemaRegistryUrl: registryUrl, kafkaNativeModule } = componentEndpoints();
  const prefix = `bench-${Date.now().toString(36)}.`;
  const topics = pipelineTopics({ prefix });
  const logger = createLogger({ service: 'bench', level: 'silent' });
  const kafka = new Kafka({ clientId: 'bench', brokers: [...brokers], logLevel: logLevel.NOTHING });
  say(
    `node ${process.version} · ${os.cpus()[0]?.model ?? 'unknown'} · ${os.cpus().length} logical CPUs · load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} · mode ${MODE}`,
  );

  const log = await openKafkaPipelineLog({
    brokers,
    registryUrl,
    topics,
    ensure: [
      ...processorTopicSpecs(PROCESSOR_KINDS.parser, topics),
      ...processorTopicSpecs(PROCESSOR_KINDS.merger, topics),
    ],
    clientId: 'bench',
    logger,
  });
  const services: Service[] = [];
  const inProcess: StartedProcessor[] = [];
  try {
    // Raw events: SOURCES sources, neighbours sharing OVERLAP of their lines.
    const links = corpusLinks();
    const perSource = Math.ceil(TARGET_LINES / SOURCES);
    const step = Math.round(perSource * (1 - OVERLAP));
    const bodies = Array.from({ length: SOURCES }, (_, s) =>
      Array.from({ length: perSource }, (_, j) => poolLine(links, s * step + j)),
    );
    const lines = perSource * SOURCES;
    const events = bodies.map((b, s) =>
      fetchedEvent({ sourceId: `src-${s}`, at: T0 + s, body: b.join('\n') }),
    );
    const rawBytes = events.reduce((n, e) => n + (e.body?.data.byteLength ?? 0), 0);
    let clock = performance.now();
    for (let i = 0; i < events.length; i += 10) {
      await log.append(
        events.slice(i, i + 10).map((e) => ({ topic: topics.fetched, key: e.sourceId, value: e })),
      );
    }
    say(
      `raw: ${fmt(lines)} config lines in ${SOURCES} fetch events (${fmt(perSource)} lines each, ${Math.round(OVERLAP * 100)} % shared with the next source, ${links.length} distinct corpus configs re-ported), ${(rawBytes / 1e6).toFixed(1)} MB gzip, appended in ${((performance.now() - clock) / 1000).toFixed(1)} s`,
    );

    // Replay raw -> current.
    const parserGroup = processorName(PROCESSOR_KINDS.parser, topics);
    const mergerGroup = processorName(PROCESSOR_KINDS.merger, topics);
    let seconds: number;
    let cpu: string;
    const broker = brokerPid();
    const brokerCpuBefore = cpuSecondsOf(broker);
    if (MODE === 'processes') {
      const env = {
        ...process.env,
        SUBMERGE_KAFKA_BROKERS: brokers.join(','),
        SUBMERGE_SCHEMA_REGISTRY_URL: registryUrl,
        SUBMERGE_TOPIC_PREFIX: prefix,
        SUBMERGE_LOG_LEVEL: 'error',
        // The processors' transactional writer: SUBMERGE_KAFKA_WRITER (auto = librdkafka when its addon loads).
        SUBMERGE_KAFKA_NATIVE_MODULE: process.env['SUBMERGE_KAFKA_NATIVE_MODULE'] ?? kafkaNativeModule,
      };
      const start = (kind: string, port: number): Service => {
        const child = spawn(
          resolve('node_modules/.bin/node'),
          [
            ...(process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean),
            '--import',
            'tsx',
            resolve(`services/${kind}/main.ts`),
          ],
          {
            env: { ...env, SUBMERGE_METRICS_PORT: String(port) },
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        );
        const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
        const service = { kind, child, exited };
        services.push(service);
        return service;
      };
      const ports = {
        parser: 19700 + Math.floor(Math.random() * 200),
        merger: 19950 + Math.floor(Math.random() * 40),
      };
      const spawned = performance.now();
      const parser = start('parser', ports.parser);
      const merger = start('merger', ports.merger);
      for (const port of Object.values(ports)) {
        for (;;) {
          const ok = await fetch(`http://127.0.0.1:${port}/ready`).then(
            (r) => r.ok,
            () => false,
          );
          if (ok) break;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      clock = performance.now();
      say(`processors ready ${((clock - spawned) / 1000).toFixed(1)} s after spawn`);
      await waitUntilCaughtUp(log, parserGroup, topics.fetched, { intervalMs: 200 });
      for (;;) {
        const pending = await countPendingRecords(kafka, topics.observed, mergerGroup, { limit: 1 }).catch(
          () => 1,
        );
        if (pending === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      seconds = (performance.now() - clock) / 1000;
      const [pc, mc] = [cpuSecondsOf(parser.child.pid), cpuSecondsOf(merger.child.pid)];
      cpu = `parser ${pc.toFixed(1)} s CPU / ${fmt(peakMiB(parser.child.pid))} MiB peak RSS, merger ${mc.toFixed(1)} s CPU / ${fmt(peakMiB(merger.child.pid))} MiB (start-up included): ${fmt(lines / (pc + mc))} configs per processor CPU-second`;
    } else {
      clock = performance.now();
      const cpuBefore = process.cpuUsage();
      await executeReplay(planReplay({ target: 'all', prefix, currentVersion: 'v1' }), {
        log,
        kafka,
        logger,
        registry: new Registry(),
        progressIntervalMs: 500,
      });
      seconds = (performance.now() - clock) / 1000;
      const used = process.cpuUsage(cpuBefore);
      const cpuSeconds = (used.user + used.system) / 1e6;
      cpu = `${cpuSeconds.toFixed(1)} s CPU in this process: ${fmt(lines / cpuSeconds)} configs per CPU-second`;
    }
    const brokerCpu = cpuSecondsOf(broker) - brokerCpuBefore;
    cpu += `; broker ${brokerCpu.toFixed(1)} s CPU`;
    const counts = await topicCounts(kafka, [topics.observed, topics.current]);
    say(
      `raw -> current: ${fmt(lines)} config lines in ${seconds.toFixed(1)} s = ${fmt(lines / seconds)} configs/s wall; ${cpu}; ` +
        `${fmt(counts[0] ?? 0)} offsets on configs.observed, ${fmt(counts[1] ?? 0)} on configs.current (incl. commit markers)`,
    );

    // Latency: one source changes at a time while the processors run.
    if (MODE === 'in-process') {
      for (const kind of [PROCESSOR_KINDS.parser, PROCESSOR_KINDS.merger]) {
        inProcess.push(
          await startPipelineProcessor(kind, {
            log,
            topics,
            instance: 'bench',
            logger,
            registry: new Registry(),
          }),
        );
      }
    }
    const seen = new Map<string, number>();
    const watcher = kafka.consumer({
      groupId: `${prefix}latency`,
      maxWaitTimeInMs: 100,
      readUncommitted: false,
    });
    await watcher.connect();
    await watcher.subscribe({ topics: [topics.current], fromBeginning: false });
    await watcher.run({
      eachBatch: ({ batch }) => {
        const at = performance.now();
        for (const m of batch.messages) if (m.key !== null) seen.set(m.key.toString(), at);
        return Promise.resolve();
      },
    });
    await new Promise((r) => setTimeout(r, 3000));
    const latencies: number[] = [];
    for (let run = 0; run < LATENCY_RUNS; run += 1) {
      const s = run % SOURCES;
      const body = bodies[s] as string[];
      const dropped = body.shift() as string;
      const added = poolLine(links, 50_000_000 + run);
      body.push(added);
      const keys = [dropped, added].map((l) =>
        fingerprint(
          (parseSubscription(l).configs[0] as { config: Parameters<typeof fingerprint>[0] }).config,
        ),
      );
      for (const k of keys) seen.delete(k);
      const event: SourceFetched = fetchedEvent({
        sourceId: `src-${s}`,
        at: T0 + 1_000_000 + run,
        body: body.join('\n'),
      });
      const appended = performance.now();
      await log.append([{ topic: topics.fetched, key: event.sourceId, value: event }]);
      const deadline = appended + 30_000;
      while (keys.some((k) => !seen.has(k)) && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 2));
      const done = Math.max(...keys.map((k) => seen.get(k) ?? Number.POSITIVE_INFINITY));
      latencies.push(done - appended);
      await new Promise((r) => setTimeout(r, 300));
    }
    await watcher.disconnect();
    latencies.sort((a, b) => a - b);
    const pct = (p: number): number =>
      latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
    say(
      `fetch -> current, one source of ${fmt(perSource)} lines changing (1 config dropped, 1 added; ${fmt(perSource)} observations per change): ` +
        `p50 ${fmt(pct(50))} ms, p95 ${fmt(pct(95))} ms, max ${fmt(latencies.at(-1) ?? NaN)} ms over ${latencies.length} changes`,
    );
  } finally {
    await Promise.allSettled(inProcess.map((p) => p.run.stop()));
    for (const s of services) s.child.kill('SIGTERM');
    await Promise.allSettled(services.map((s) => s.exited));
    await log.close();
    const admin = kafka.admin();
    await admin.connect();
    const ours = (await admin.listTopics()).filter(
      (t) => t.startsWith(prefix) || t.startsWith(`dlq.${prefix}`),
    );
    if (ours.length > 0) await admin.deleteTopics({ topics: ours }).catch(() => undefined);
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect();
    await Promise.allSettled(
      pipelineEventSpecs(topics).map((s) => deleteSubject(registryUrl, valueSubject(s.name))),
    );
  }
}

async function topicCounts(kafka: Kafka, names: readonly string[]): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out: number[] = [];
    for (const name of names)
      out.push((await admin.fetchTopicOffsets(name)).reduce((n, o) => n + Number(o.high), 0));
    return out;
  } finally {
    await admin.disconnect();
  }
}

await main();
