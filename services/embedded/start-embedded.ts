import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ClickHouseClient } from '@clickhouse/client';
import { ClickHouseLogLevel } from '@clickhouse/client';
import { parseCatalog } from '../core/catalog/parse-catalog.ts';
import { dlqTopic } from '../core/processing/processor.ts';
import { PROCESSOR_KINDS } from '../core/processors/pipeline-topics.ts';
import { loadCatalog } from '../pipeline/catalog-loader.ts';
import { waitUntilCaughtUp } from '../pipeline/group-progress.ts';
import { startPipelineProcessor } from '../pipeline/pipeline-processors.ts';
import type { StartedProcessor } from '../pipeline/pipeline-processors.ts';
import { parserSettings } from '../pipeline/processor-service.ts';
import { startFetcher } from '../fetcher/fetcher.ts';
import type { Fetcher } from '../fetcher/fetcher.ts';
import { fetchSource } from '../fetcher/fetch-source.ts';
import { startReadApiServer } from '../read-api/server.ts';
import type { ReadApiServer } from '../read-api/server.ts';
import { readApiSettingsFrom } from '../read-api/settings-from-env.ts';
import { createAnalyticsRunner } from '../shared/analytics/analytics-runner.ts';
import { createAnalytics } from '../shared/analytics/analytics-service.ts';
import { FIRST_FETCH } from '../core/fetching/schedule.ts';
import { migrate } from '../shared/clickhouse/migrate.ts';
import { createClickHouse } from '../shared/clickhouse/create-client.ts';
import { quoteIdentifier } from '../shared/clickhouse/session-prelude.ts';
import type { EnvConfig } from '../shared/config/env-schema.ts';
import { createEmbeddedEventLog } from '../shared/embedded-store/embedded-event-log.ts';
import type { EmbeddedEventLog, RestoreReport } from '../shared/embedded-store/embedded-event-log.ts';
import { createLogStore } from '../shared/embedded-store/log-store.ts';
import type { Logger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics/metrics-registry.ts';
import type { EventLog } from '../shared/runtime/event-log.ts';
import { runSink } from '../sink/run-sink.ts';
import { createSinkMetrics } from '../sink/sink-metrics.ts';
import { embeddedRetention, embeddedTopology, logTopic, retentionMsOf } from './embedded-topics.ts';
import type { EmbeddedTopology } from './embedded-topics.ts';
import { createRoundTracker, roundLine } from './fetch-rounds.ts';
import { checkProberConfig, startIntel } from './start-intel.ts';
import { storedValidators } from './stored-validators.ts';

export interface EmbeddedOptions {
  readonly config: Readonly<EnvConfig>;
  readonly logger: Logger;
  /** Lines for the person who started it: where the API listens, one per fetch round. */
  readonly say: (line: string) => void;
}

export interface EmbeddedRun {
  /** Where the read API listens. */
  readonly url: string;
  readonly dataDir: string;
  readonly firstStart: boolean;
  readonly restored: RestoreReport;
  /** Settles when the run ends: resolves after stop(), rejects when a component crashed. */
  readonly done: Promise<void>;
  /** Stops fetching, serving and processing, flushes history, closes the store. Idempotent. */
  stop(): Promise<void>;
}

export class EmbeddedStartError extends Error {
  readonly code: 'CATALOG_INVALID' | 'CATALOG_UNREADABLE';
  readonly retriable = false;
  constructor(code: EmbeddedStartError['code'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** Where chDB keeps its files inside the data directory (room is left for anything else). */
export function chdbDirOf(dataDir: string): string {
  return join(resolve(dataDir), 'chdb');
}

/**
 * Opens the embedded ClickHouse (chDB, in this process) of a data directory with its database
 * created and migrated: the history tables the sink writes and analytics read.
 */
export async function openEmbeddedClickHouse(
  dataDir: string,
  database: string,
  logger: Logger,
): Promise<ClickHouseClient> {
  const options = { log: { level: ClickHouseLogLevel.OFF } } as const;
  const dir = chdbDirOf(dataDir);
  // The client is bound to the database, which must exist first; the unbound one creates it.
  const admin = createClickHouse({ mode: 'embedded', dataDir: dir }, options);
  try {
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdentifier(database)}` });
  } finally {
    await admin.close();
  }
  const client = createClickHouse({ mode: 'embedded', dataDir: dir, database }, options);
  try {
    await migrate(client, { logger: logger.child({ component: 'migrations' }) });
  } catch (error) {
    await client.close();
    throw error;
  }
  return client;
}

/** Opens the embedded event log of a data directory over an open client, topics ensured, not restored. */
export async function openEmbeddedLog(
  clickhouse: ClickHouseClient,
  topology: EmbeddedTopology,
  logger: Logger,
  retention = embeddedRetention(topology),
): Promise<EmbeddedEventLog> {
  const store = createLogStore(clickhouse, { retentionMs: retentionMsOf(topology.specs) });
  await store.open();
  const log = createEmbeddedEventLog({ store, logger: logger.child({ component: 'event-log' }), retention });
  await log.ensureTopics(topology.specs.map(logTopic));
  return log;
}

/**
 * The whole job in one process, no Kafka: the event log is the in-process bus with every commit
 * kept in chDB, restored on start; the catalog file is published to it; the same fetcher, the
 * same parse/merge processors on the same run loop, the same ClickHouse sink (into the same
 * chDB) and the same read API run on it. A first start fetches every source at once; a restart
 * serves the restored state straight away and fetches each source at its next slot.
 */
export async function startEmbedded({ config, logger, say }: EmbeddedOptions): Promise<EmbeddedRun> {
  const started = performance.now();
  const dataDir = resolve(config.SUBMERGE_DATA_DIR);
  const sourcesFile = config.SUBMERGE_SOURCES_FILE ?? '';
  checkProberConfig(config);
  const catalog = await readCatalog(sourcesFile);
  const topology = embeddedTopology({
    prefix: config.SUBMERGE_TOPIC_PREFIX,
    version: config.SUBMERGE_TOPICS_VERSION,
  });
  const instance = config.SUBMERGE_INSTANCE_ID;

  const clickhouse = await openEmbeddedClickHouse(dataDir, config.SUBMERGE_CLICKHOUSE_DATABASE, logger);
  const closers: (() => Promise<void>)[] = [() => clickhouse.close()];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) {
      await close().catch((error: unknown) => logger.warn({ err: error }, 'closing failed'));
    }
  };
  try {
    const log = await openEmbeddedLog(clickhouse, topology, logger);
    closers.push(() => log.close());
    if (!log.firstStart) say(`submerge: restoring the state kept in ${dataDir}`);
    const restored = await log.restore();
    const published = await loadCatalog(catalog, {
      log,
      topic: topology.pipeline.catalog,
      producer: `embedded/${instance}`,
    });
    const registry = createMetricsRegistry({ service: 'submerge' });
    const processors: StartedProcessor[] = [];
    for (const kind of [PROCESSOR_KINDS.parser, PROCESSOR_KINDS.merger]) {
      const processor = await startPipelineProcessor(kind, {
        log,
        topics: topology.pipeline,
        instance,
        logger,
        registry,
        parser: parserSettings(config),
      });
      processors.push(processor);
      closers.push(() => processor.run.stop());
    }
    const intel = await startIntel({ config, log, topology, logger, registry });
    for (const component of intel) closers.push(() => component.stop());
    const sink = await runSink({
      log,
      clickhouse,
      routes: topology.sinkRoutes,
      group: topology.groups.sink,
      transactionalId: `${topology.groups.sink}.${instance}`,
      dlqTopic: dlqTopic(topology.groups.sink),
      logger: logger.child({ component: 'sink' }),
      metrics: createSinkMetrics(registry),
    });
    closers.push(() => sink.stop());

    const progress = startProgress({ log, topology, processors, say, logger, catalog: catalog.sources });
    closers.push(() => progress.stop());
    const fetcher = await startFetcher({
      log,
      topics: {
        catalog: topology.pipeline.catalog,
        fetched: topology.pipeline.fetched,
        commands: topology.commands,
      },
      group: topology.groups.fetcher,
      instanceId: instance,
      logger: logger.child({ component: 'fetcher' }),
      registry,
      // A first start has nothing to serve yet; a restart has, and keeps the sources' grid.
      firstFetch: log.firstStart ? FIRST_FETCH.immediately : FIRST_FETCH.nextSlot,
      allowPrivateAddresses: config.SUBMERGE_ALLOW_PRIVATE_ADDRESSES,
      fetchSource: progress.track,
      validators: await storedValidators(clickhouse),
    });
    progress.attach(fetcher);
    closers.push(() => fetcher.stop());

    const api: ReadApiServer = await startReadApiServer({
      log,
      settings: readApiSettingsFrom(config),
      logger: logger.child({ component: 'read-api' }),
      host: config.SUBMERGE_HTTP_HOST,
      port: config.SUBMERGE_HTTP_PORT,
      topicPrefix: config.SUBMERGE_TOPIC_PREFIX,
      // History and analytics from the same chDB the sink writes.
      analytics: createAnalytics({ runner: createAnalyticsRunner({ client: clickhouse }) }),
      // One /metrics for the whole process: fetcher, processors, sink and API.
      registry,
    });
    closers.push(() => api.stop());

    const configs = await countLiveKeys(log, topology.pipeline.current);
    say(`submerge: read API on ${api.url} (subscriptions at ${api.url}/sub/auto, docs at ${api.url}/docs)`);
    say(
      log.firstStart
        ? `submerge: first start in ${dataDir}: fetching ${catalog.sources.filter((s) => s.enabled).length} sources from ${sourcesFile}`
        : `submerge: restored ${configs.toLocaleString('en-US')} configs from ${dataDir} in ${restored.ms} ms` +
            ` (${published.changes.upserts.length} sources new or edited, ${published.changes.removals.length} removed in ${sourcesFile})`,
    );
    logger.info(
      {
        ms: Math.round(performance.now() - started),
        restored,
        ...memoryMb(),
      },
      'embedded mode started',
    );

    let stopping: Promise<void> | undefined;
    const stopAll = (): Promise<void> => (stopping ??= closeAll());
    let settle: { resolve(): void; reject(error: unknown): void } = {
      resolve: () => undefined,
      reject: () => undefined,
    };
    const done = new Promise<void>((resolveDone, rejectDone) => {
      settle = { resolve: resolveDone, reject: rejectDone };
    });
    // A component that ends while nobody asked it to has crashed: stop the rest and report it.
    const crash = (component: string, error: unknown): void => {
      if (stopping !== undefined) return;
      logger.fatal({ err: error, component }, 'a component of the embedded mode stopped; shutting down');
      void stopAll().finally(() => settle.reject(error ?? new Error(`${component} stopped`)));
    };
    const watched: [string, Promise<void>][] = [
      ...processors.map((p): [string, Promise<void>] => [p.group, p.run.done]),
      ...intel.map((c): [string, Promise<void>] => [c.name, c.done]),
      ['sink', sink.done],
      ['fetcher', fetcher.done],
    ];
    for (const [component, ended] of watched) {
      ended.then(
        () => crash(component, undefined),
        (error: unknown) => crash(component, error),
      );
    }
    const run: EmbeddedRun = {
      url: api.url,
      dataDir,
      firstStart: log.firstStart,
      restored,
      done,
      async stop() {
        await stopAll();
        settle.resolve();
      },
    };
    run.done.catch(() => undefined);
    return run;
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function readCatalog(file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new EmbeddedStartError('CATALOG_UNREADABLE', `cannot read the sources catalog ${file}`, { cause });
  }
  const parsed = parseCatalog(text);
  if (!parsed.ok) {
    throw new EmbeddedStartError(
      'CATALOG_INVALID',
      `${file} is not a valid sources catalog:\n  - ${parsed.issues.map((i) => `${i.message} [${i.code}]`).join('\n  - ')}`,
    );
  }
  return parsed.catalog;
}

/** Keys a compacted topic holds now (configs served). */
async function countLiveKeys(log: EventLog, topic: string): Promise<number> {
  const live = new Set<string>();
  await log.readToEnd(topic, {
    onRecords: (records) => {
      for (const r of records) {
        if (r.key === null) continue;
        if (r.value === null) live.delete(r.key);
        else live.add(r.key);
      }
    },
  });
  return live.size;
}

interface Progress {
  /** The fetcher's HTTP round, observed. */
  readonly track: typeof fetchSource;
  attach(fetcher: Fetcher): void;
  stop(): Promise<void>;
}

/** One line per fetch round, printed once the parser and merger have taken the round in. */
function startProgress({
  log,
  topology,
  processors,
  say,
  logger,
  catalog,
}: {
  readonly log: EventLog;
  readonly topology: EmbeddedTopology;
  readonly processors: readonly StartedProcessor[];
  readonly say: (line: string) => void;
  readonly logger: Logger;
  readonly catalog: readonly { readonly intervalSeconds: number; readonly enabled: boolean }[];
}): Progress {
  const intervals = catalog.filter((s) => s.enabled).map((s) => s.intervalSeconds);
  const tracker = createRoundTracker({ windowMs: Math.min(...intervals, 24 * 3600) * 1000 });
  let fetcher: Fetcher | undefined;
  let printing: Promise<void> = Promise.resolve();
  let stopped = false;

  const failed = () => processors.find((p) => p.run.state() === 'failed')?.group;
  const report = async (line: (configs: number) => string): Promise<void> => {
    try {
      await waitUntilCaughtUp(log, topology.groups.parser, topology.pipeline.fetched, {
        intervalMs: 200,
        timeoutMs: 120_000,
        failed,
      });
      await waitUntilCaughtUp(log, topology.groups.merger, topology.pipeline.observed, {
        intervalMs: 200,
        timeoutMs: 120_000,
        failed,
      });
    } catch (error) {
      logger.warn({ err: error }, 'processing has not caught up with the fetch round');
    }
    if (stopped) return;
    say(line(await countLiveKeys(log, topology.pipeline.current)));
    logger.info(memoryMb(), 'fetch round reported');
  };

  const poll = (): void => {
    if (fetcher === undefined || stopped) return;
    const round = tracker.poll(fetcher.scheduler.snapshot().length);
    if (round !== null)
      printing = printing.then(() => report((configs) => `submerge: ${roundLine(round, configs)}`));
  };
  const timer = setInterval(poll, 1_000);
  timer.unref();

  return {
    async track(source, deps, signal) {
      tracker.started(source.id);
      let succeeded = false;
      try {
        const round = await fetchSource(source, deps, signal);
        succeeded = round.succeeded;
        return round;
      } finally {
        tracker.finished(source.id, succeeded);
        setImmediate(poll);
      }
    },
    attach(f) {
      fetcher = f;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await printing;
    },
  };
}

/**
 * Where the process's memory is: RSS beside the JS heap (used and reserved) and what lives
 * outside it (buffers; chDB's own allocations show only in RSS).
 */
function memoryMb(): Record<string, number> {
  const m = process.memoryUsage();
  const mb = (n: number): number => Math.round(n / 2 ** 20);
  return {
    rssMb: mb(m.rss),
    heapMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
    arrayBuffersMb: mb(m.arrayBuffers),
  };
}
