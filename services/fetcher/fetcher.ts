import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { FetchLimits } from '../core/fetching/fetch-limits.ts';
import {
  DEFAULT_FETCH_LIMITS,
  DEFAULT_POLITENESS,
  DEFAULT_RETRY_AFTER_CAP_MS,
  DEFAULT_RETRY_POLICY,
} from '../core/fetching/fetch-limits.ts';
import type { Validators } from '../core/fetching/conditional-get.ts';
import type { PolitenessLimits } from '../core/fetching/politeness.ts';
import type { RetryPolicy } from '../core/fetching/retry-decision.ts';
import { FIRST_FETCH } from '../core/fetching/schedule.ts';
import type { FirstFetch, SchedulePolicy } from '../core/fetching/schedule.ts';
import type { SourceFetched } from '../generated/events.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventLog } from '../shared/runtime/event-log.ts';
import { startCatalogFeed } from './catalog-feed.ts';
import type { CatalogFeed } from './catalog-feed.ts';
import { createFetchMetrics } from './fetch-metrics.ts';
import { createFetchScheduler } from './fetch-scheduler.ts';
import type { FetchScheduler } from './fetch-scheduler.ts';
import { fetchSource } from './fetch-source.ts';
import type { FetchSourceDeps } from './fetch-source.ts';
import { createHostGate } from './host-gate.ts';
import type { Resolver } from './resolver.ts';
import { systemResolver } from './resolver.ts';

export interface FetcherOptions {
  readonly log: EventLog;
  /** `commands`: sources.commands.v1, when operators may ask for a fetch now (the topic must exist). */
  readonly topics: { readonly catalog: string; readonly fetched: string; readonly commands?: string };
  /** The consumer group all fetcher instances share (it splits the catalog between them). */
  readonly group: string;
  /** This instance, for the events' producer field (`fetcher/<instanceId>`). */
  readonly instanceId: string;
  readonly logger: Logger;
  readonly registry?: Registry;
  readonly limits?: FetchLimits;
  readonly retry?: RetryPolicy;
  readonly politeness?: PolitenessLimits;
  readonly retryAfterCapMs?: number;
  readonly maxConcurrentFetches?: number;
  readonly firstFetch?: FirstFetch;
  readonly schedulePolicy?: SchedulePolicy;
  readonly resolver?: Resolver;
  readonly now?: () => number;
  readonly newId?: () => string;
  readonly random?: () => number;
  /** Replaces the HTTP round (tests of scheduling and partitioning). */
  readonly fetchSource?: typeof fetchSource;
  readonly catchUpGraceMs?: number;
  /**
   * Operator override (SUBMERGE_ALLOW_PRIVATE_ADDRESSES): every source may reach loopback and
   * private networks, whatever its catalog says. Off by default; metadata endpoints stay refused.
   */
  readonly allowPrivateAddresses?: boolean;
  /** Conditional-GET validators per URL to start from (a restarted embedded mode seeds them from its history). */
  readonly validators?: ReadonlyMap<string, Validators>;
}

export interface Fetcher {
  /** Ready once the owned part of the catalog is loaded. */
  ready(): boolean;
  readonly scheduler: FetchScheduler;
  /** Settles when the catalog subscription ends: resolves after stop(), rejects if it crashed. */
  readonly done: Promise<void>;
  /** Leaves the group, lets fetches in flight publish their last event, then returns. */
  stop(): Promise<void>;
}

/**
 * One fetcher instance: the catalog feed (its share of the catalog, through the consumer
 * group), the scheduler, and the HTTP rounds publishing to `sources.fetched.v1` through the
 * event log port. Nothing here knows whether the log is Kafka or the in-process bus.
 */
export async function startFetcher(options: FetcherOptions): Promise<Fetcher> {
  const {
    log,
    topics,
    group,
    instanceId,
    logger,
    limits = DEFAULT_FETCH_LIMITS,
    retry = DEFAULT_RETRY_POLICY,
    politeness = DEFAULT_POLITENESS,
    retryAfterCapMs = DEFAULT_RETRY_AFTER_CAP_MS,
    maxConcurrentFetches = 8,
    firstFetch = FIRST_FETCH.nextSlot,
    resolver = systemResolver,
    now = Date.now,
    newId = randomUUID,
    random = Math.random,
  } = options;
  const metrics = options.registry === undefined ? undefined : createFetchMetrics(options.registry);
  const validators = new Map<string, Validators>(options.validators ?? []);
  const deps: FetchSourceDeps = {
    limits,
    retry,
    retryAfterCapMs,
    hostGate: createHostGate(politeness, now),
    resolver,
    validators,
    publish: (event: SourceFetched) =>
      log.append([{ topic: topics.fetched, key: event.sourceId, value: event }]),
    producer: `fetcher/${instanceId}`,
    metadata: { now, newId },
    random,
    onEvent(event) {
      metrics?.attempt(event);
      const level = event.outcome === 'ok' || event.outcome === 'not-modified' ? 'debug' : 'info';
      logger[level](
        {
          source: event.sourceId,
          outcome: event.outcome,
          status: event.httpStatus,
          attempt: event.attempt,
          urlIndex: event.urlIndex,
          errorCode: event.errorCode,
          ms: event.timings.totalMs,
          bytes: event.sizes.decodedBytes,
        },
        'fetch attempt',
      );
    },
  };
  const run = options.fetchSource ?? fetchSource;
  const scheduler = createFetchScheduler({
    runFetch: (source, signal) =>
      run(
        options.allowPrivateAddresses === true ? { ...source, allowPrivateAddresses: true } : source,
        deps,
        signal,
      ),
    maxConcurrentFetches,
    firstFetch,
    ...(options.schedulePolicy === undefined ? {} : { policy: options.schedulePolicy }),
    now,
    onRound() {
      metrics?.owned(scheduler.snapshot().length, scheduler.inFlight());
    },
    onDropped(source) {
      // Validators of a source this instance no longer fetches would only grow the map.
      for (const url of source.urls) validators.delete(url);
    },
    onRoundError(sourceId, error) {
      metrics?.roundError();
      logger.error({ source: sourceId, err: error }, 'scheduled fetch failed before recording its outcome');
    },
  });

  let feed: CatalogFeed;
  try {
    feed = await startCatalogFeed({
      log,
      topic: topics.catalog,
      ...(topics.commands === undefined ? {} : { commandsTopic: topics.commands }),
      now,
      group,
      scheduler,
      logger,
      onCaughtUp: () => {
        metrics?.owned(scheduler.snapshot().length, scheduler.inFlight());
        logger.info({ sources: scheduler.snapshot().length }, 'catalog loaded');
      },
      ...(options.catchUpGraceMs === undefined ? {} : { catchUpGraceMs: options.catchUpGraceMs }),
    });
  } catch (error) {
    await scheduler.stop();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    ready: () => feed.caughtUp(),
    scheduler,
    done: feed.done,
    stop() {
      stopping ??= (async () => {
        // Leave the group first so the partitions move on while the last fetches finish.
        await feed.stop();
        await scheduler.stop();
      })();
      return stopping;
    },
  };
}
