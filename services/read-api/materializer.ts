import { randomBytes } from 'node:crypto';
import type { Logger } from '../shared/logger.ts';
import { START_FROM } from '../shared/runtime/event-log.ts';
import type { EventLog, LogRecord, Subscription, TopicPartitionOffset } from '../shared/runtime/event-log.ts';
import type { ReadState } from '../core/read-model/read-state.ts';
import type { ReadApiTopics, ReadTopicKind } from '../core/read-model/read-topics.ts';
import { snapshotLookback, widerLookback } from '../core/read-model/snapshot-lookback.ts';
import type { ReadApiMetrics } from './read-api-metrics.ts';

export const MATERIALIZER_PHASES = {
  idle: 'idle',
  catchingUp: 'catching-up',
  following: 'following',
  stopped: 'stopped',
  failed: 'failed',
} as const;
export type MaterializerPhase = (typeof MATERIALIZER_PHASES)[keyof typeof MATERIALIZER_PHASES];

export interface Materializer {
  /** Starts catching up in the background; `caughtUp` settles when the state is ready. */
  start(): void;
  /** Resolves once the state caught up with the end offsets seen at start; rejects if that failed. */
  readonly caughtUp: Promise<void>;
  isReady(): boolean;
  /** False once following failed: the process should be restarted. */
  isLive(): boolean;
  phase(): MaterializerPhase;
  /** Records behind per topic (sum over partitions), as of the latest batch. */
  lag(): ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

export interface MaterializerOptions {
  readonly log: EventLog;
  readonly topics: ReadApiTopics;
  readonly state: ReadState;
  readonly logger: Logger;
  readonly metrics?: ReadApiMetrics;
  /** Prefix of the private consumer group's name; a random suffix makes it unique per start. */
  readonly groupPrefix?: string;
  /** Called after every applied batch (caches observe the generation instead; this is for tests). */
  readonly onApplied?: () => void;
}

/**
 * Folds the read API's topics into the in-memory state, per instance: every replica reads
 * everything from the beginning, so any number of replicas serve the same state and none
 * depends on another's progress.
 *
 * Two phases. Catch-up reads each compacted topic from its start to the end offsets of the
 * moment (`readToEnd`, which also handles partitions whose tail is a transaction marker — the
 * merger writes transactionally, so a plain "position >= end offset" check would never be true),
 * and of sources.snapshots.v1 (one event per fetch) only the windows that hold each source's
 * latest event; ready follows. Then a consumer in a private, random group follows new records
 * from exactly where the catch-up stopped (`startAt`). Its group never commits, and a restart
 * starts over in a new group: there is no shared progress to corrupt. (Positioning the group
 * with committed offsets instead made the broker hold the first join for ~40 s.)
 */
export function createMaterializer({
  log,
  topics,
  state,
  logger,
  metrics,
  groupPrefix = 'read-api',
  onApplied,
}: MaterializerOptions): Materializer {
  const kindOf = new Map<string, ReadTopicKind>(
    Object.entries(topics.read).map(([kind, name]) => [name, kind as ReadTopicKind]),
  );
  const names = [...kindOf.keys()];
  const group = `${groupPrefix}.${randomBytes(6).toString('hex')}`;
  const lagByPartition = new Map<string, number>();
  let phase: MaterializerPhase = MATERIALIZER_PHASES.idle;
  let subscription: Subscription | null = null;
  let stopping = false;

  let settle: { resolve(): void; reject(error: unknown): void } = { resolve: () => {}, reject: () => {} };
  const caughtUp = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  caughtUp.catch(() => undefined);

  const applyRecords = (records: readonly LogRecord[]): void => {
    for (const record of records) {
      const kind = kindOf.get(record.topic);
      if (kind === undefined) continue;
      if (record.decodeFailure !== null) {
        metrics?.recordsApplied.inc({ topic: record.topic, outcome: 'undecodable' });
        logger.warn(
          {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            code: record.decodeFailure.code,
          },
          'skipped an undecodable record',
        );
        continue;
      }
      const result = state.apply(kind, record.key, record.value);
      metrics?.recordsApplied.inc({ topic: record.topic, outcome: result.outcome });
      if (result.outcome === 'rejected') {
        logger.warn(
          {
            topic: record.topic,
            partition: record.partition,
            offset: record.offset,
            problem: result.problem,
          },
          'skipped a record the read model cannot hold',
        );
      }
    }
    updateGauges();
    onApplied?.();
  };

  const updateGauges = (): void => {
    if (metrics === undefined) return;
    metrics.stateGeneration.set(state.generation);
    metrics.stateSize.set({ kind: 'configs' }, state.configCount());
    metrics.stateSize.set({ kind: 'sources' }, state.sourceIds().length);
    metrics.stateSize.set({ kind: 'presets' }, state.presets().size);
    metrics.stateSize.set({ kind: 'keys' }, state.apiKeys().size);
  };

  const setLag = (topic: string, partition: number, lag: number): void => {
    lagByPartition.set(`${topic}\u0000${partition}`, lag);
    metrics?.stateLag.set({ topic }, lagOf(topic));
  };
  const lagOf = (topic: string): number => {
    let total = 0;
    for (const [key, value] of lagByPartition) if (key.startsWith(`${topic}\u0000`)) total += value;
    return total;
  };

  /**
   * Reads one topic's partitions from `from` (default: their start) to `until` (default: their
   * end now), applying the records `keep` accepts, and returns where following continues: after
   * the last record seen, at least the end offsets asked for.
   */
  const readRange = async (
    topic: string,
    ends: ReadonlyMap<number, string>,
    range: {
      readonly from?: ReadonlyMap<number, string>;
      readonly until?: ReadonlyMap<number, string>;
      readonly keep?: (record: LogRecord) => boolean;
    } = {},
  ): Promise<Map<number, bigint>> => {
    const position = new Map<number, bigint>([...ends].map(([p, o]) => [p, BigInt(o)]));
    const { keep } = range;
    await log.readToEnd(topic, {
      ...(range.from === undefined ? {} : { from: range.from }),
      ...(range.until === undefined ? {} : { until: range.until }),
      onRecords: (records) => {
        applyRecords(keep === undefined ? records : records.filter(keep));
        const last = records.at(-1);
        if (last === undefined) return;
        const next = BigInt(last.offset) + 1n;
        if (next > (position.get(last.partition) ?? 0n)) position.set(last.partition, next);
        const end = BigInt(ends.get(last.partition) ?? '0');
        setLag(topic, last.partition, end > next ? Number(end - next) : 0);
      },
    });
    return position;
  };

  const startsOf = (topic: string, position: ReadonlyMap<number, bigint>): TopicPartitionOffset[] =>
    [...position].map(([partition, offset]) => {
      setLag(topic, partition, 0);
      return { topic, partition, offset: offset.toString() };
    });

  /** Compacted topics: everything, from the start of each partition. */
  const readWhole = async (topic: string): Promise<TopicPartitionOffset[]> => {
    const ends = await log.endOffsets(topic);
    for (const [p, end] of ends) setLag(topic, p, Number(end));
    return startsOf(topic, await readRange(topic, ends));
  };

  /**
   * sources.snapshots.v1 holds one event per fetch for 30 days, but the state keeps only the
   * latest per source: read windows backwards from the end, each older window applying only
   * sources no newer window had, until every expected source has one or the topic's start is
   * reached. Health (read first) says how far back the first window must go.
   */
  const readLatestPerKey = async (topic: string): Promise<TopicPartitionOffset[]> => {
    const ends = await log.endOffsets(topic);
    for (const [p, end] of ends) setLag(topic, p, Number(end));
    const firsts = await log.offsetsForTimestamp(topic, 0);
    const now = Date.now();
    const { expected, since: first } = snapshotLookback(state, now);
    const seen = new Set<string>();
    let position = new Map<number, bigint>();
    let until: ReadonlyMap<number, string> = ends;
    let since = first;
    let windows = 0;
    for (;;) {
      const from = since <= 0 ? firsts : await log.offsetsForTimestamp(topic, since);
      const newer = new Set(seen);
      const read = await readRange(topic, until, {
        from,
        until,
        keep: (record) => {
          if (record.key === null) return true;
          if (newer.has(record.key)) return false;
          seen.add(record.key);
          return true;
        },
      });
      if (windows === 0) position = read;
      windows += 1;
      const atStart = [...from].every(([p, o]) => BigInt(o) <= BigInt(firsts.get(p) ?? '0'));
      if (atStart || [...expected].every((id) => seen.has(id))) break;
      until = from;
      since = widerLookback(since, now);
    }
    logger.info(
      { topic, windows, since: new Date(since).toISOString(), sources: seen.size, expected: expected.size },
      'latest snapshots read',
    );
    return startsOf(topic, position);
  };

  const catchUp = async (): Promise<TopicPartitionOffset[]> => {
    const snapshots = topics.read.snapshots;
    const whole = await Promise.all(names.filter((t) => t !== snapshots).map(readWhole));
    return [...whole.flat(), ...(await readLatestPerKey(snapshots))];
  };

  const follow = async (starts: readonly TopicPartitionOffset[]): Promise<void> => {
    // Records below these offsets were applied by the catch-up; the consumer starts at them,
    // and this guard keeps a batch fetched before that took effect from applying them twice.
    const skipBelow = new Map<string, bigint>(
      starts.map((s) => [`${s.topic}\u0000${s.partition}`, BigInt(s.offset)]),
    );
    subscription = await log.consume({
      group,
      topics: names,
      startFrom: START_FROM.earliest,
      startAt: starts,
      eachBatch: async (batch, control) => {
        const floor = skipBelow.get(`${batch.topic}\u0000${batch.partition}`);
        const fresh =
          floor === undefined ? batch.records : batch.records.filter((r) => BigInt(r.offset) >= floor);
        if (fresh.length > 0) applyRecords(fresh);
        const last = batch.records.at(-1);
        if (last !== undefined) {
          control.markConsumed(last.offset);
          const behind = BigInt(batch.highWatermark) - BigInt(last.offset) - 1n;
          setLag(batch.topic, batch.partition, behind > 0n ? Number(behind) : 0);
        }
        return Promise.resolve();
      },
    });
    subscription.done.then(
      () => undefined,
      (error: unknown) => {
        if (stopping) return;
        phase = MATERIALIZER_PHASES.failed;
        logger.error({ err: error }, 'the materializer stopped following its topics');
      },
    );
  };

  return {
    start() {
      if (phase !== MATERIALIZER_PHASES.idle) return;
      phase = MATERIALIZER_PHASES.catchingUp;
      const started = Date.now();
      logger.info({ topics: names, group }, 'catching up');
      catchUp()
        .then(async (starts) => {
          if (stopping) return;
          phase = MATERIALIZER_PHASES.following;
          metrics?.stateReady.set(1);
          logger.info(
            { ms: Date.now() - started, configs: state.configCount(), sources: state.sourceIds().length },
            'caught up: ready',
          );
          settle.resolve();
          await follow(starts);
        })
        .catch((error: unknown) => {
          if (stopping) return;
          phase = MATERIALIZER_PHASES.failed;
          logger.error({ err: error }, 'the materializer failed');
          settle.reject(error);
        });
    },
    caughtUp,
    isReady: () => phase === MATERIALIZER_PHASES.following,
    isLive: () => phase !== MATERIALIZER_PHASES.failed,
    phase: () => phase,
    lag: () => new Map(names.map((topic) => [topic, lagOf(topic)])),
    async stop() {
      stopping = true;
      phase = MATERIALIZER_PHASES.stopped;
      await subscription?.stop();
    },
  };
}
