import type { ConfigCurrent, EventMetadata } from '../generated/events.ts';
import type { ProxyConfig } from '../core/model/config.ts';
import { isProtocol } from '../core/model/protocol.ts';
import type { Logger } from '../shared/logger.ts';
import type { Assignment, EventLog, Subscription } from '../shared/runtime/event-log.ts';
import { START_FROM } from '../shared/runtime/event-log.ts';

/** One config this prober instance owns. */
export interface OwnedConfig {
  readonly fingerprint: string;
  /** undefined when the event's config is not a usable canonical config (reported as CONFIG_INVALID). */
  readonly config: ProxyConfig | undefined;
  /** Metadata of the configs.current.v1 event: probes join its causal chain. */
  readonly cause: EventMetadata;
  readonly partition: number;
}

export interface ConfigFeedOptions {
  readonly log: EventLog;
  /** configs.current.v1 (or a prefixed / versioned copy). */
  readonly topic: string;
  /** One group per vantage: every vantage probes every config; instances of one vantage split them. */
  readonly group: string;
  readonly logger: Logger;
  /** A new assignment, before any of its records: the prober restores probe history for it. */
  readonly onAssignment?: (partitions: readonly number[]) => void;
  /** A config appeared that was not owned before. */
  readonly onNewConfig?: () => void;
  /** A config's tombstone: no source carries it any more. */
  readonly onRemovedConfig?: (fingerprint: string) => void;
  readonly catchUpGraceMs?: number;
}

export interface ConfigFeed extends Subscription {
  /** True once every owned partition was read up to its end offset at assignment. */
  caughtUp(): boolean;
  configs(): ReadonlyMap<string, OwnedConfig>;
  get(fingerprint: string): OwnedConfig | undefined;
}

/**
 * The configs this instance probes: a consumer group on the compacted configs.current.v1 that
 * never commits, so every assignment reads its partitions from the start — on a compacted topic
 * that is the current set of those partitions — and then follows changes; a tombstone removes a
 * config. The same pattern as the fetcher's catalog feed: reading the table again is cheap and
 * idempotent, and there are no offsets to get wrong.
 */
export async function startConfigFeed({
  log,
  topic,
  group,
  logger,
  onAssignment,
  onNewConfig,
  onRemovedConfig,
  catchUpGraceMs = 10_000,
}: ConfigFeedOptions): Promise<ConfigFeed> {
  const owned = new Map<string, OwnedConfig>();
  let ends = new Map<number, bigint | undefined>();
  const positions = new Map<number, bigint>();
  let caughtUp = false;
  let generation = 0;
  let grace: NodeJS.Timeout | undefined;

  const settle = (partition: number): void => {
    const end = ends.get(partition);
    if (end !== undefined && (positions.get(partition) ?? 0n) >= end) ends.delete(partition);
  };
  const checkCaughtUp = (): void => {
    if (!caughtUp && ends.size === 0) caughtUp = true;
  };
  const armGrace = (): void => {
    if (grace !== undefined) clearTimeout(grace);
    grace = setTimeout(() => {
      grace = undefined;
      if (caughtUp || [...ends.values()].some((end) => end === undefined)) return;
      // A partition whose tail is a transaction marker never reaches its end offset by records.
      logger.warn(
        { partitions: [...ends.keys()] },
        'config partitions quiet below their end offset; counted as read',
      );
      ends.clear();
      checkCaughtUp();
    }, catchUpGraceMs);
    grace.unref();
  };

  const apply = (
    record: { key: string | null; value: unknown; decodeFailure: unknown },
    partition: number,
  ): void => {
    if (record.decodeFailure !== null || record.key === null) {
      logger.warn({ key: record.key, partition }, 'configs.current record undecodable or unkeyed; skipped');
      return;
    }
    if (record.value === null) {
      if (owned.delete(record.key)) onRemovedConfig?.(record.key);
      return;
    }
    const event = record.value as ConfigCurrent;
    if (typeof event.fingerprint !== 'string' || event.fingerprint !== record.key) {
      logger.warn(
        { key: record.key, partition },
        'configs.current record whose fingerprint is not its key; skipped',
      );
      return;
    }
    const isNew = !owned.has(record.key);
    owned.set(record.key, {
      fingerprint: record.key,
      config: parseConfig(event.config),
      cause: event.metadata,
      partition,
    });
    if (isNew && caughtUp) onNewConfig?.();
  };

  const subscription = await log.consume({
    group,
    topics: [topic],
    startFrom: START_FROM.earliest,
    onAssignment(assignment: Assignment) {
      const partitions = [...(assignment.get(topic) ?? [])].sort((a, b) => a - b);
      const keep = new Set(partitions);
      for (const [fingerprint, entry] of owned) if (!keep.has(entry.partition)) owned.delete(fingerprint);
      caughtUp = false;
      generation += 1;
      const mine = generation;
      ends = new Map(partitions.map((p) => [p, undefined]));
      positions.clear();
      logger.info({ partitions }, 'config partitions assigned');
      onAssignment?.(partitions);
      log.endOffsets(topic).then(
        (offsets) => {
          if (mine !== generation) return;
          for (const partition of [...ends.keys()]) {
            ends.set(partition, BigInt(offsets.get(partition) ?? '0'));
            settle(partition);
          }
          checkCaughtUp();
          if (!caughtUp) armGrace();
          else onNewConfig?.();
        },
        (error: unknown) => logger.warn({ err: error }, 'config end offsets unavailable; readiness waits'),
      );
    },
    eachBatch(batch, control) {
      for (const record of batch.records) {
        if (!control.isActive()) return Promise.resolve();
        apply(record, batch.partition);
        control.markConsumed(record.offset);
        positions.set(batch.partition, BigInt(record.offset) + 1n);
      }
      const wasCaughtUp = caughtUp;
      settle(batch.partition);
      checkCaughtUp();
      if (!caughtUp) armGrace();
      else if (!wasCaughtUp) onNewConfig?.();
      return Promise.resolve();
    },
  });

  return {
    done: subscription.done,
    async stop() {
      if (grace !== undefined) clearTimeout(grace);
      await subscription.stop();
    },
    caughtUp: () => caughtUp,
    configs: () => owned,
    get: (fingerprint) => owned.get(fingerprint),
  };
}

/** The canonical config of an event, or undefined when it is not one (a foreign producer, a bug). */
export function parseConfig(text: string): ProxyConfig | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const v = parsed as Record<string, unknown>;
  const ok =
    typeof v['protocol'] === 'string' &&
    isProtocol(v['protocol']) &&
    typeof v['server'] === 'string' &&
    v['server'] !== '' &&
    typeof v['port'] === 'number' &&
    Number.isInteger(v['port']) &&
    v['port'] > 0 &&
    v['port'] < 65_536;
  return ok ? (parsed as ProxyConfig) : undefined;
}
