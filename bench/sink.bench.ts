/**
 * The ClickHouse side of submerge under load. Not a test: it prints figures for docs/benchmarks.md.
 *
 *   npm run -s bench:sink [-- --events 1000000 --rows 10000000 --iterations 20 --skip-ingest --skip-queries]
 *                         [--batch-records N]  the sink's flush size (default 50,000, the service's)
 *                         [--keep]  keep the generated query database (its name is printed)
 *                         [--clickhouse-pid PID]  CPU of this ClickHouse process (default: the local shim's pid file)
 *                         [--database NAME]  time the queries on a database a --keep run left
 *
 * Needs the local components (`npm run infra:up`): Kafka, the registry and ClickHouse (the
 * clickhouse-local shim at SUBMERGE_CLICKHOUSE_URL, or a server).
 *
 * 1. Ingest: --events configs.observed.v1 events (Avro, registry wire format) are produced to a
 *    fresh topic set first; then the sink (runSink, the service's loop, in this process) drains
 *    them into a fresh database through the shim. Reported: rows/s from the sink's start to
 *    the last commit, and sustained rows/s from the first commit to the last (without the
 *    consumer group's join).
 * 2. Queries: a fresh database gets --rows observation rows generated inside ClickHouse with
 *    numbers() (500 sources x 40 configs x every hour of 21 days, mirrors and daily churn),
 *    plus the fetch events and snapshots of those fetches; the materialized views fill the
 *    rollups on insert, as they do from the sink. Each analytics query then runs --iterations
 *    times (after two warm-ups) through the same service the API uses; p50/p95/max reported.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ClickHouseLogLevel } from '@clickhouse/client';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { ConfigObserved } from '../services/generated/events.ts';
import { createAnalytics } from '../services/shared/analytics/analytics-service.ts';
import { createAnalyticsRunner } from '../services/shared/analytics/analytics-runner.ts';
import { createClickHouse } from '../services/shared/clickhouse/create-client.ts';
import { migrateDatabase } from '../services/shared/clickhouse/migrate.ts';
import { nameBasedUuid } from '../services/shared/events/event-metadata.ts';
import { valueSubject } from '../services/shared/events/topic-catalog.ts';
import { createAvroValueCodec } from '../services/shared/kafka/avro-value-codec.ts';
import { createKafkaEventLog } from '../services/shared/kafka/kafka-event-log.ts';
import {
  createEventCodec,
  createSchemaRegistryClient,
  registerEventSchemas,
} from '../services/shared/kafka/schema-registry.ts';
import { ensureTopics } from '../services/shared/kafka/topics.ts';
import { defaultCodec } from '../services/shared/kafka/value-codec.ts';
import { runSink } from '../services/sink/run-sink.ts';
import { sinkEventTypes } from '../services/sink/sink-event-types.ts';
import { createSinkMetrics } from '../services/sink/sink-metrics.ts';
import { sinkRoutes } from '../services/sink/sink-routes.ts';
import { componentEndpoints, envFilePath } from '../test/helpers/components.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);
function text(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const EVENTS = arg('events', 1_000_000);
const ROWS = arg('rows', 10_000_000);
const ITERATIONS = arg('iterations', 20);
/** The sink's flush size (its --batch-records); default the service's. */
const BATCH_RECORDS = arg('batch-records', 50_000);
const HOUR = 3_600_000;
const quiet = { log: { level: ClickHouseLogLevel.OFF } } as const;
const endpoints = componentEndpoints();
const stamp = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const log = (line: string): void => void process.stdout.write(`${line}\n`);

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 1024 ** 3)} GiB, Node ${process.version}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`;
}

/**
 * CPU seconds a local component (started by infra/local, pid in its run directory) has used so
 * far, from /proc; null when it is not a local process. On a shared machine the wall-clock rate
 * depends on everything else running; CPU per row does much less.
 */
function componentCpuSeconds(name: string): number | null {
  try {
    // --<name>-pid measures another process, e.g. a shim started by hand on another port
    // (SUBMERGE_CLICKHOUSE_URL pointing at it) to try a change without restarting the shared one.
    const pid =
      text(`${name}-pid`) ?? readFileSync(join(dirname(envFilePath()), `${name}.pid`), 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name; clock ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

const cpuSeconds = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1e6;

// ---------------------------------------------------------------- 1. ingest

async function ingest(): Promise<void> {
  const prefix = `bench-sink-${stamp}.`;
  const database = `bench_sink_${stamp}`;
  const routes = sinkRoutes({ prefix });
  const specs = routes.map((r) => r.spec);
  const kafka = new Kafka({
    clientId: 'bench-sink',
    brokers: [...endpoints.kafkaBrokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const registry = createSchemaRegistryClient({ url: endpoints.schemaRegistryUrl });
  const ch = createClickHouse({ mode: 'http', url: endpoints.clickhouseUrl, database }, quiet);
  try {
    await ensureTopics(admin, specs);
    const eventCodec = createEventCodec({
      registry,
      registered: await registerEventSchemas(registry, specs),
    });
    await migrateDatabase({ mode: 'http', url: endpoints.clickhouseUrl, database }, { client: quiet });
    const topic = routes.find((r) => r.table === 'config_observations')?.topic ?? '';

    // Produce first, so the sink is measured draining a backlog (the catch-up case).
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
    await producer.connect();
    const base = Math.floor(Date.now() / HOUR) * HOUR - 24 * HOUR;
    const produced = performance.now();
    const CHUNK = 10_000;
    for (let i = 0; i < EVENTS; i += CHUNK) {
      const messages = [];
      for (let n = i; n < Math.min(EVENTS, i + CHUNK); n += 1) {
        const value = observation(n, base);
        messages.push({ key: value.fingerprint, value: eventCodec.encode('configs.observed.v1', value) });
      }
      await producer.send({ topic, messages, acks: -1 });
    }
    await producer.disconnect();
    log(`produced ${EVENTS} events in ${((performance.now() - produced) / 1000).toFixed(1)} s`);

    const eventLog = createKafkaEventLog({
      brokers: endpoints.kafkaBrokers,
      clientId: 'bench-sink',
      // Decoded as the service decodes: writer schemas by id, the sink's reader schemas.
      codec: createAvroValueCodec({
        eventCodec: createEventCodec({ registry, registered: new Map(), types: sinkEventTypes() }),
        specs,
        fallback: defaultCodec,
      }),
      consumer: { maxBytesPerPartition: 4 * 1024 * 1024 },
    });
    const sinkClient = createClickHouse({ mode: 'http', url: endpoints.clickhouseUrl, database }, quiet);
    const cpuBefore = {
      sink: process.cpuUsage(),
      clickhouse: componentCpuSeconds('clickhouse'),
      kafka: componentCpuSeconds('kafka'),
    };
    const started = performance.now();
    const run = await runSink({
      log: eventLog,
      clickhouse: sinkClient,
      routes,
      group: `${prefix}clickhouse-sink`,
      transactionalId: `${prefix}clickhouse-sink.0`,
      dlqTopic: `dlq.${prefix}clickhouse-sink.v1`,
      logger: pino({ level: 'warn' }),
      metrics: createSinkMetrics(new Registry()),
      maxBatchRecords: BATCH_RECORDS,
    });
    let firstCommit: { at: number; records: number } | null = null;
    while (run.stats().committedRecords < EVENTS) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const { committedRecords } = run.stats();
      if (firstCommit === null && committedRecords > 0)
        firstCommit = { at: performance.now(), records: committedRecords };
      if (run.state() === 'failed') throw new Error('the sink crashed');
    }
    const ended = performance.now();
    const cpu = {
      sink: cpuSeconds(process.cpuUsage(cpuBefore.sink)),
      clickhouse: (componentCpuSeconds('clickhouse') ?? Number.NaN) - (cpuBefore.clickhouse ?? Number.NaN),
      kafka: (componentCpuSeconds('kafka') ?? Number.NaN) - (cpuBefore.kafka ?? Number.NaN),
    };
    const { flushes } = run.stats();
    await run.stop();
    await eventLog.close();
    await sinkClient.close();
    const rows = await count(ch, 'SELECT count() FROM config_observations');
    const overall = EVENTS / ((ended - started) / 1000);
    const sustained =
      firstCommit === null ? overall : (EVENTS - firstCommit.records) / ((ended - firstCommit.at) / 1000);
    log(`\n### Ingest: Kafka -> sink -> ClickHouse (${EVENTS.toLocaleString('en')} observation events)\n`);
    log('| measure | value |');
    log('| --- | --- |');
    log(`| rows stored (count) | ${rows.toLocaleString('en')} |`);
    log(
      `| flushes (inserts of up to ${BATCH_RECORDS.toLocaleString('en')} rows, then an offset commit) | ${flushes} |`,
    );
    log(
      `| rows/s, sink start to last commit (incl. group join) | ${Math.round(overall).toLocaleString('en')} |`,
    );
    log(`| rows/s sustained, first commit to last | ${Math.round(sustained).toLocaleString('en')} |`);
    const perCpu = (seconds: number): string =>
      Number.isFinite(seconds)
        ? `${seconds.toFixed(1)} s (${Math.round(EVENTS / seconds).toLocaleString('en')} rows per CPU-second)`
        : 'n/a';
    log(`| CPU, sink process (decode, rows, JSON, HTTP) | ${perCpu(cpu.sink)} |`);
    log(`| CPU, ClickHouse (parse, insert, materialized views, merges) | ${perCpu(cpu.clickhouse)} |`);
    log(`| CPU, Kafka broker (serving fetches, commits) | ${perCpu(cpu.kafka)} |`);
    log(`| CPU, all three | ${perCpu(cpu.sink + cpu.clickhouse + cpu.kafka)} |`);
  } finally {
    const subjects = specs.filter((s) => s.schema !== null).map((s) => valueSubject(s.name));
    for (const subject of subjects) {
      await fetch(`${endpoints.schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}`, {
        method: 'DELETE',
      }).catch(() => undefined);
      await fetch(`${endpoints.schemaRegistryUrl}/subjects/${encodeURIComponent(subject)}?permanent=true`, {
        method: 'DELETE',
      }).catch(() => undefined);
    }
    const ours = (await admin.listTopics()).filter((t) => t.includes(prefix));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours }).catch(() => undefined);
    await admin.disconnect();
    await ch.command({ query: `DROP DATABASE IF EXISTS ${database} SYNC` }).catch(() => undefined);
    await ch.close();
  }
}

const PROTOCOLS = ['vless', 'vmess', 'trojan', 'ss', 'hysteria2'] as const;

function observation(n: number, base: number): ConfigObserved {
  const source = n % 500;
  const fp = createHash('sha256')
    .update(String(n % 12_000))
    .digest('hex');
  const eventId = nameBasedUuid(`bench-o${stamp}-${n}`);
  return {
    metadata: {
      eventId,
      eventTime: base + (n % 86_400) * 1000,
      producer: 'parser/bench',
      correlationId: eventId,
      causationId: null,
    },
    fingerprint: fp,
    fingerprintPolicy: 'credential',
    sourceId: `src-${source}`,
    presence: 'present',
    protocol: PROTOCOLS[n % PROTOCOLS.length] ?? 'vless',
    server: `node-${n % 12_000}.example.net`,
    port: 443,
    config: `{"protocol":"vless","server":"node-${n % 12_000}.example.net","port":443,"uuid":"a3482e88-686a-4a58-8126-99c9df64b7bf","tls":{"enabled":true,"sni":"example.net"}}`,
    originLine: (n % 40) + 1,
    originFrom: 'vless',
    fetchEventId: nameBasedUuid(`bench-f${stamp}-${source}-${Math.floor(n / 20_000)}`),
    fetchedAt: base + (n % 86_400) * 1000,
  };
}

async function count(ch: ReturnType<typeof createClickHouse>, query: string): Promise<number> {
  const rs = await ch.query({ query, format: 'JSONEachRow' });
  const [row] = await rs.json<Record<string, string>>();
  return Number(Object.values(row ?? {})[0] ?? 0);
}

// ---------------------------------------------------------------- 2. queries

const SOURCES = 500;
const CONFIGS_PER_SOURCE = 40;
const FINGERPRINTS = 12_000;

async function generate(
  ch: ReturnType<typeof createClickHouse>,
  hours: number,
  start: number,
): Promise<void> {
  const perHour = SOURCES * CONFIGS_PER_SOURCE;
  const startSql = `toDateTime64(${start / 1000}, 3, 'UTC')`;
  // Sources 0-99 mirror sources 100-199 (same configs); every source's set moves by one config a day.
  const fpIndex = `((if(s < 100, s + 100, s) * ${CONFIGS_PER_SOURCE} + slot + intDiv(h, 24)) % ${FINGERPRINTS})`;
  const total = hours * perHour;
  // Small enough that one INSERT ... SELECT finishes within the client's 30 s request timeout on a busy machine.
  const CHUNK = 250_000;
  for (let from = 0; from < total; from += CHUNK) {
    const size = Math.min(CHUNK, total - from);
    await ch.command({
      query: `
INSERT INTO config_observations (event_id, fetched_at, fingerprint, source_id, presence, fingerprint_policy, protocol, server, port, origin_line, origin_from, fetch_event_id, producer)
SELECT generateUUIDv4(number), ${startSql} + toIntervalSecond(h * 3600 + s * 7), lower(hex(SHA256(toString(${fpIndex})))), concat('src-', toString(s)),
       'present', 'credential', ['vless', 'vmess', 'trojan', 'ss', 'hysteria2'][${fpIndex} % 5 + 1], concat('node-', toString(${fpIndex}), '.example.net'), 443,
       slot + 1, 'vless', toString(cityHash64(s, h)), 'parser/bench'
FROM (SELECT number, intDiv(number, ${perHour}) AS h, intDiv(number % ${perHour}, ${CONFIGS_PER_SOURCE}) AS s, number % ${CONFIGS_PER_SOURCE} AS slot
      FROM numbers(${from}, ${size}))`,
    });
    process.stdout.write(
      `  observations ${(from + size).toLocaleString('en')} / ${total.toLocaleString('en')}\r`,
    );
  }
  process.stdout.write('\n');
  const fetchSql = (table: string, columns: string, values: string): string => `
INSERT INTO ${table} (${columns})
SELECT ${values}
FROM (SELECT number, intDiv(number, ${SOURCES}) AS h, number % ${SOURCES} AS s FROM numbers(${hours * SOURCES}))`;
  await ch.command({
    query: fetchSql(
      'fetch_events',
      'event_id, fetched_at, source_id, producer, url, outcome, http_status, total_ms',
      `generateUUIDv4(number), ${startSql} + toIntervalSecond(h * 3600 + s * 7), concat('src-', toString(s)), 'fetcher/bench',
       concat('https://example.net/', toString(s)), if(cityHash64(number) % 100 < s % 20, 'timeout', 'ok'), 200, toUInt32(50 + cityHash64(number, 1) % 2000)`,
    ),
  });
  await ch.command({
    query: fetchSql(
      'source_snapshots',
      'event_id, fetched_at, source_id, producer, outcome, configs, unique_configs, added, removed, diagnostics',
      `generateUUIDv4(number), ${startSql} + toIntervalSecond(h * 3600 + s * 7), concat('src-', toString(s)), 'parser/bench', 'ok',
       ${CONFIGS_PER_SOURCE}, ${CONFIGS_PER_SOURCE}, toUInt32(h % 24 = 0), toUInt32(h % 24 = 0), map('INVALID_PORT', toUInt32(s % 3), 'UNKNOWN_SCHEME', toUInt32(h % 2))`,
    ),
  });
}

interface Timing {
  readonly name: string;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

async function time(name: string, run: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < 2; i += 1) await run();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number): number =>
    samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? Number.NaN;
  return { name, p50: at(0.5), p95: at(0.95), max: samples[samples.length - 1] ?? Number.NaN };
}

async function queries(): Promise<void> {
  const reuse = text('database');
  const database = reuse ?? `bench_analytics_${stamp}`;
  const config = { mode: 'http', url: endpoints.clickhouseUrl, database } as const;
  if (reuse === undefined) await migrateDatabase(config, { client: quiet });
  const ch = createClickHouse(config, quiet);
  try {
    // Whole days, so the daily rollups and 'N days' ranges line up.
    let hours = Math.ceil(ROWS / (SOURCES * CONFIGS_PER_SOURCE) / 24) * 24;
    let end = Math.floor(Date.now() / HOUR) * HOUR;
    let generatedNote = '';
    if (reuse === undefined) {
      const generated = performance.now();
      await generate(ch, hours, end - hours * HOUR);
      const seconds = (performance.now() - generated) / 1000;
      const rows = await count(ch, 'SELECT count() FROM config_observations');
      generatedNote = `Generated in ${seconds.toFixed(0)} s (${Math.round(rows / seconds).toLocaleString('en')} rows/s through the materialized views), `;
    } else {
      // The generated history ends at the hour the --keep run started.
      end = (await count(ch, 'SELECT toUnixTimestamp(max(hour)) FROM source_hourly')) * 1000 + HOUR;
      hours = Math.round(
        (end - (await count(ch, 'SELECT toUnixTimestamp(min(hour)) FROM source_hourly')) * 1000) / HOUR,
      );
      generatedNote = `Database ${database} from an earlier --keep run, `;
    }
    const start = end - hours * HOUR;
    const observations = await count(ch, 'SELECT count() FROM config_observations');
    log(`\n### Analytics queries over ${observations.toLocaleString('en')} observation rows\n`);
    log(
      generatedNote +
        `${hours} hours x ${SOURCES} sources x ${CONFIGS_PER_SOURCE} configs; rollup rows: ` +
        (
          await Promise.all(
            ['source_hourly', 'config_hourly', 'protocol_daily', 'config_sources_daily'].map(
              async (t) => `${t} ${(await count(ch, `SELECT count() FROM ${t}`)).toLocaleString('en')}`,
            ),
          )
        ).join(', ') +
        '.\n',
    );
    const analytics = createAnalytics({ runner: createAnalyticsRunner({ client: ch }), now: () => end });
    const iso = (ms: number): string => new Date(ms).toISOString();
    const fp = createHash('sha256').update('4242').digest('hex');
    const drain = async (body: NodeJS.ReadableStream): Promise<number> => {
      let bytes = 0;
      for await (const chunk of body) bytes += (chunk as Buffer).length;
      return bytes;
    };
    const week = { from: end - 7 * 24 * HOUR, to: end };
    const all = { from: start, to: end };
    const timings = [
      await time('source history, 7 days by hour', () =>
        analytics.sourceHistory({ id: 'src-150', ...week, resolution: 'hour' }),
      ),
      await time(`source history, ${hours / 24} days by day`, () =>
        analytics.sourceHistory({ id: 'src-150', ...all, resolution: 'day' }),
      ),
      await time(`config history, ${hours / 24} days by hour`, () =>
        analytics.configHistory({ fingerprint: fp, ...all, resolution: 'hour' }),
      ),
      await time(`config history, ${hours / 24} days by day`, () =>
        analytics.configHistory({ fingerprint: fp, ...all, resolution: 'day' }),
      ),
      await time('overview, 7 days by day', () =>
        analytics.overview({ ...week, resolution: 'day', limit: 10, minFetches: 1 }),
      ),
      await time(`overview, ${hours / 24} days by day`, () =>
        analytics.overview({ ...all, resolution: 'day', limit: 10, minFetches: 1 }),
      ),
      await time('export observations, 1 hour (20,000 rows), jsonl', async () =>
        drain(
          (
            await analytics.exportData({
              dataset: 'observations',
              format: 'jsonl',
              from: end - HOUR,
              to: end,
              limit: 100_000,
            })
          ).body,
        ),
      ),
      await time(`export source-hourly, one source, ${hours / 24} days, csv`, async () =>
        drain(
          (
            await analytics.exportData({
              dataset: 'source-hourly',
              format: 'csv',
              ...all,
              source: 'src-150',
              limit: 100_000,
            })
          ).body,
        ),
      ),
    ];
    log(`| query (${ITERATIONS} runs after 2 warm-ups) | p50 ms | p95 ms | max ms |`);
    log('| --- | ---: | ---: | ---: |');
    for (const t of timings)
      log(`| ${t.name} | ${t.p50.toFixed(0)} | ${t.p95.toFixed(0)} | ${t.max.toFixed(0)} |`);
    void iso;
  } finally {
    if (flag('keep') || reuse !== undefined) log(`\n(database ${database} kept)`);
    else await ch.command({ query: `DROP DATABASE IF EXISTS ${database} SYNC` }).catch(() => undefined);
    await ch.close();
  }
}

log(
  `## bench:sink — ${new Date().toISOString()}\n\nMachine: ${machine()}. ClickHouse: ${endpoints.clickhouseUrl}.`,
);
if (!flag('skip-ingest')) await ingest();
if (!flag('skip-queries')) await queries();
log(
  `\nLoad average after: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
