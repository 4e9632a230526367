/**
 * Read API start-up on the real broker: time to /ready, CPU and RSS of a fresh instance that
 * materializes a realistic state. Not a test: it prints figures for docs/benchmarks.md.
 *
 *   node --import tsx bench/read-start.bench.ts --prefix bench-rs-1. --produce \
 *     [--configs 75000 --sources 500 --snapshots-per-source 696 --days 29]
 *   node --import tsx bench/read-start.bench.ts --prefix bench-rs-1. --measure
 *
 * `--produce` fills the prefixed topics once: configs.current.v1 (--configs configs, each carried
 * by one or two of --sources sources), the catalog and health of every source, and a 30-day-like
 * history of sources.snapshots.v1 (--snapshots-per-source per source, record timestamps spread
 * over the last --days days, oldest first: one event per fetch as the parser writes them).
 * `--measure` starts the read API (services/read-api/server.ts over Kafka) in a child process and
 * reports: wall ms from spawn to the first 200 of /ready, the child's CPU seconds then, RSS then,
 * and RSS, peak RSS and CPU once it is idle (the follower has caught up too). Run it against the
 * same prefix before and after a change.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { readApiTopics } from '../services/core/read-model/read-topics.ts';
import { openKafkaReadApiLog, readApiTopicSpecs } from '../services/read-api/kafka-read-api-log.ts';
import { startReadApiServer } from '../services/read-api/server.ts';
import { DEFAULT_READ_API_SETTINGS } from '../services/read-api/settings.ts';
import { createAvroValueCodec } from '../services/shared/kafka/avro-value-codec.ts';
import {
  createEventCodec,
  createSchemaRegistryClient,
  registerEventSchemas,
} from '../services/shared/kafka/schema-registry.ts';
import { defaultCodec } from '../services/shared/kafka/value-codec.ts';
import { componentEndpoints } from '../test/helpers/components.ts';
import {
  catalogEvent,
  currentEvent,
  healthEvent,
  snapshotEvent,
  syntheticConfig,
} from '../test/unit/read-api/read-fixtures.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
function textArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// --log-level info shows the materializer's own account (windows read, catch-up ms).
const logger = pino({ level: textArg('log-level') ?? 'warn' }, pino.destination(2));

async function produce(prefix: string): Promise<void> {
  const configs = arg('configs', 75_000);
  const sources = arg('sources', 500);
  const perSource = arg('snapshots-per-source', 696);
  const days = arg('days', 29);
  const { kafkaBrokers, schemaRegistryUrl } = componentEndpoints();
  const topics = readApiTopics({ prefix });
  const log = await openKafkaReadApiLog({
    brokers: kafkaBrokers,
    registryUrl: schemaRegistryUrl,
    topics,
    clientId: 'bench-read-start',
    logger,
  });
  const ids = Array.from({ length: sources }, (_, i) => `bench-source-${String(i).padStart(4, '0')}`);
  const started = performance.now();
  await log.append(
    ids.map((id, i) => ({
      topic: topics.read.catalog,
      key: id,
      value: catalogEvent(id, i % 5 === 0 ? 'premium' : 'bulk'),
    })),
  );
  for (let from = 0; from < configs; from += 5_000) {
    const batch = [];
    for (let i = from; i < Math.min(configs, from + 5_000); i++) {
      const sightings = [{ sourceId: ids[i % sources] as string }];
      if (i % 3 === 0) sightings.push({ sourceId: ids[(i * 7 + 1) % sources] as string });
      const event = currentEvent(syntheticConfig(i), sightings);
      batch.push({ topic: topics.read.current, key: event.fingerprint, value: event });
    }
    await log.append(batch);
  }
  await log.close();
  console.log(`configs.current: ${configs} configs in ${Math.round(performance.now() - started)} ms`);

  // Snapshots go through kafkajs directly: the port does not set record timestamps, and the
  // history must look 30 days old to the broker.
  const registry = createSchemaRegistryClient({ url: schemaRegistryUrl, clientId: 'bench-read-start' });
  const specs = readApiTopicSpecs(topics);
  const codec = createAvroValueCodec({
    eventCodec: createEventCodec({ registry, registered: await registerEventSchemas(registry, specs) }),
    specs,
    fallback: defaultCodec,
  });
  const kafka = new Kafka({
    clientId: 'bench-read-start',
    brokers: [...kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  const total = sources * perSource;
  const span = days * 24 * 3600 * 1000;
  const now = Date.now();
  const snapStarted = performance.now();
  let messages: { key: string; value: Buffer; timestamp: string }[] = [];
  for (let n = 0; n < total; n++) {
    const id = ids[n % sources] as string;
    const at = now - span + Math.floor((n / total) * span);
    const event = { ...snapshotEvent(id, 100 + (n % 37)), fetchedAt: at };
    messages.push({
      key: id,
      value: Buffer.from(await codec.encode(topics.read.snapshots, event)),
      timestamp: String(at),
    });
    if (messages.length === 5_000 || n === total - 1) {
      await producer.send({ topic: topics.read.snapshots, messages });
      messages = [];
    }
  }
  await producer.disconnect();
  // Health as the anomaly detector keeps it: each source's last fetch is its latest snapshot.
  const lastFetchAt = (i: number): number =>
    now - span + Math.floor((((perSource - 1) * sources + i) / total) * span);
  const healthLog = await openKafkaReadApiLog({
    brokers: kafkaBrokers,
    registryUrl: schemaRegistryUrl,
    topics,
    clientId: 'bench-read-start',
    logger,
  });
  await healthLog.append(
    ids.map((id, i) => ({
      topic: topics.read.health,
      key: id,
      value: { ...healthEvent(id, 'healthy'), lastFetchAt: lastFetchAt(i) },
    })),
  );
  await healthLog.close();
  console.log(
    `sources.snapshots: ${total} events (${sources} sources x ${perSource}) over ${days} days in ${Math.round(performance.now() - snapStarted)} ms`,
  );
}

/** The child: the read API over Kafka on the prefixed topics, exactly as the service starts it. */
async function serve(prefix: string): Promise<void> {
  const { kafkaBrokers, schemaRegistryUrl } = componentEndpoints();
  const topics = readApiTopics({ prefix });
  const log = await openKafkaReadApiLog({
    brokers: kafkaBrokers,
    registryUrl: schemaRegistryUrl,
    topics,
    clientId: `bench-read-start.${process.pid}`,
    logger,
  });
  const server = await startReadApiServer({
    log,
    settings: { ...DEFAULT_READ_API_SETTINGS, instanceId: `bench-${process.pid}` },
    logger,
    host: '127.0.0.1',
    port: 0,
    topicPrefix: prefix,
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  // The parent asks for memory after a full GC ("gc" on stdin).
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    const mib = (n: number): number => Math.round(n / 2 ** 20);
    process.stdout.write(
      `${JSON.stringify({ rss: mib(m.rss), heapUsed: mib(m.heapUsed), heapTotal: mib(m.heapTotal), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers) })}\n`,
    );
  });
}

function procStat(pid: number): { cpuS: number; rssMiB: number; hwmMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return {
    cpuS: ticks / 100,
    rssMiB: Math.round(kb('VmRSS') / 1024),
    hwmMiB: Math.round(kb('VmHWM') / 1024),
  };
}

async function measure(prefix: string): Promise<void> {
  console.log(
    `machine: ${os.cpus().length} cores, node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const began = performance.now();
  const child = spawn(
    process.execPath,
    [
      '--max-semi-space-size=16',
      '--expose-gc',
      '--import',
      'tsx',
      import.meta.filename,
      '--prefix',
      prefix,
      '--serve',
      '--log-level',
      textArg('log-level') ?? 'warn',
    ],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const pid = child.pid as number;
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) =>
      resolve((JSON.parse(chunk.toString().split('\n')[0] ?? '') as { url: string }).url),
    );
    child.once('exit', (code) => reject(new Error(`child exited ${String(code)}`)));
  });
  const listeningMs = performance.now() - began;
  for (;;) {
    const ready = await fetch(`${url}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const readyMs = performance.now() - began;
  const atReady = procStat(pid);
  // Idle: less than 0.05 CPU-s over two consecutive seconds (the follower has caught up too).
  let last = atReady.cpuS;
  let quiet = 0;
  while (quiet < 2) {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = procStat(pid).cpuS;
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
  const idle = procStat(pid);
  const sources = (await (await fetch(`${url}/sources?limit=1`)).json()) as { total?: number };
  const body = await (await fetch(`${url}/sub/uri`)).arrayBuffer();
  const served = procStat(pid);
  const afterGc = await new Promise<unknown>((resolve) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString().split('\n')[0] ?? '')));
    child.stdin.write('gc\n');
  });
  child.kill('SIGTERM');
  console.log(
    JSON.stringify({
      listeningMs: Math.round(listeningMs),
      readyMs: Math.round(readyMs),
      cpuAtReadyS: atReady.cpuS,
      rssAtReadyMiB: atReady.rssMiB,
      cpuIdleS: idle.cpuS,
      rssIdleMiB: idle.rssMiB,
      peakRssMiB: idle.hwmMiB,
      rssAfterFullUriRenderMiB: served.rssMiB,
      uriBytes: body.byteLength,
      sourcesTotal: sources.total ?? null,
      afterGcMiB: afterGc,
      loadAfter: os.loadavg()[0]?.toFixed(1),
    }),
  );
}

const prefix = textArg('prefix');
if (prefix === undefined) throw new Error('--prefix is required');
if (process.argv.includes('--serve')) await serve(prefix);
else if (process.argv.includes('--produce')) await produce(prefix);
else await measure(prefix);
