import { performance } from 'node:perf_hooks';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { MERGER_STORE, PROCESSOR_KINDS } from '../core/processors/pipeline-topics.ts';
import type { Logger } from '../shared/logger.ts';
import { PROCESSOR_METRIC_NAMES } from '../shared/metrics/processor-metrics.ts';
import type { EventLog, OutgoingRecord, TopicPartitionOffset } from '../shared/runtime/event-log.ts';
import { RUN_STATES } from '../shared/runtime/run-processor.ts';
import { countPendingRecords } from '../pipeline/kafka-pending-records.ts';
import { groupProgress } from '../pipeline/group-progress.ts';
import type { Offsets } from '../pipeline/group-progress.ts';
import { startPipelineProcessor } from '../pipeline/pipeline-processors.ts';
import type { ParserSettings, StartedProcessor } from '../pipeline/pipeline-processors.ts';
import type { ReplayPlan, ReplayStart, ReplayStep } from './replay-plan.ts';

export class ReplayError extends Error {
  readonly code: 'GROUP_ACTIVE' | 'PROCESSOR_FAILED' | 'PARTIAL_ASSIGNMENT';
  readonly retriable = false;
  constructor(code: ReplayError['code'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export interface ReplayDeps {
  /** The pipeline's event log (Avro through the registry), topics of the plan's generation ensured. */
  readonly log: EventLog;
  /**
   * Group states and pending records, which the event log port does not offer: on Kafka give
   * `kafka` (or kafkaReplayGroups), the embedded mode gives its own (services/embedded).
   */
  readonly kafka?: Kafka;
  readonly groups?: ReplayGroups;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly parser?: ParserSettings;
  /** Names the replay's transactional ids (`<group>.<instance>`), apart from the services'. */
  readonly instance?: string;
  readonly progressIntervalMs?: number;
  /** One line per progress report and per phase. */
  readonly report?: (line: string) => void;
}

/** What a replay asks about consumer groups beyond the event log port. */
export interface ReplayGroups {
  /** Rejects with GROUP_ACTIVE while a service consumes as one of the groups. */
  requireIdle(groups: readonly string[]): Promise<void>;
  /** Records of `topic` the group has not consumed yet (on Kafka, transaction markers do not count). */
  pending(topic: string, group: string): Promise<number>;
}

export function kafkaReplayGroups(kafka: Kafka): ReplayGroups {
  return {
    requireIdle: (groups) => requireIdleGroups(kafka, groups),
    // Only "anything left?" matters: one batch answers it, and a probe slowed down by a busy
    // machine says nothing either way (counted as pending, asked again next round).
    async pending(topic, group) {
      try {
        return await countPendingRecords(kafka, topic, group, { limit: 1 });
      } catch (error) {
        if ((error as { retriable?: unknown }).retriable === true) return 1;
        throw error;
      }
    },
  };
}

export interface StepReport {
  readonly kind: ReplayStep['kind'];
  readonly group: string;
  readonly records: number;
  readonly tombstonedState: number;
}

export interface ReplayReport {
  readonly steps: readonly StepReport[];
  /** Keys of configs.current the rebuilt state no longer holds, deleted at the end. */
  readonly currentTombstones: number;
  readonly seconds: number;
}

/**
 * Runs a replay plan: checks that no service is consuming as the replayed groups, empties the
 * replayed processors' state (tombstones for every changelog key), moves their groups to the
 * start, runs them in this process until they have consumed everything (the parser up to the raw
 * topic's end as of the start; the merger until nothing is pending after the parser finished),
 * reporting progress, then tombstones what configs.current holds beyond the rebuilt state.
 */
export async function executeReplay(plan: ReplayPlan, deps: ReplayDeps): Promise<ReplayReport> {
  const { log, logger, registry, instance = 'replay', progressIntervalMs = 2000, report = () => {} } = deps;
  const started = performance.now();
  const groups = deps.groups ?? (deps.kafka === undefined ? undefined : kafkaReplayGroups(deps.kafka));
  if (groups === undefined) throw new TypeError('executeReplay needs `groups` or `kafka`');
  await groups.requireIdle(plan.steps.map((s) => s.group));

  const starts = new Map<string, Offsets>();
  const tombstoned = new Map<string, number>();
  for (const step of plan.steps) {
    starts.set(step.group, await startOffsets(log, step.input, step.start));
    let cleared = await emptyChangelog(log, step.changelog);
    // On Kafka the merger's state is configs.current itself (createMerger's restoreFromCurrent).
    if (step.kind === PROCESSOR_KINDS.merger)
      cleared = Math.max(cleared, await emptyChangelog(log, plan.topics.current));
    tombstoned.set(step.group, cleared);
  }
  // Only once every state is empty do groups move: a failure above leaves the groups where they were.
  for (const step of plan.steps) {
    const offsets: TopicPartitionOffset[] = [...(starts.get(step.group) ?? [])].map(
      ([partition, offset]) => ({
        topic: step.input,
        partition,
        offset,
      }),
    );
    for (const table of step.tables) {
      for (const [partition, offset] of await log.offsetsForTimestamp(table, 0))
        offsets.push({ topic: table, partition, offset });
    }
    await resetGroup(log, step.group, offsets, `${step.group}.${instance}.reset`);
    report(
      `${step.kind}: group ${step.group} reset to ${describeStart(step.start)}, ${tombstoned.get(step.group) ?? 0} state keys cleared`,
    );
  }
  const rawEnd = await log.endOffsets(plan.topics.fetched);

  const runs = new Map<string, StartedProcessor>();
  try {
    for (const step of plan.steps) {
      runs.set(
        step.group,
        await startPipelineProcessor(step.kind, {
          log,
          topics: plan.topics,
          instance,
          logger,
          registry,
          ...(deps.parser === undefined ? {} : { parser: deps.parser }),
        }),
      );
    }
    const failure = (): string | undefined =>
      [...runs.values()].find((r) => r.run.state() === RUN_STATES.failed)?.group;
    const recordsIn = (group: string) =>
      metricSum(registry, PROCESSOR_METRIC_NAMES.recordsIn, { processor: group });

    let upstreamDone = false;
    for (const step of plan.steps) {
      const isParser = step.kind === PROCESSOR_KINDS.parser;
      let lastCommitted = -1n;
      for (;;) {
        const broken = failure();
        if (broken !== undefined)
          throw new ReplayError('PROCESSOR_FAILED', `replay stopped: ${broken} crashed`);
        const progress = await groupProgress(log, step.group, step.input, {
          ...(isParser ? { target: rawEnd } : {}),
          start: starts.get(step.group) ?? new Map(),
        });
        report(`${step.kind}: ${await recordsIn(step.group)} records in, lag ${progress.lag}`);
        if (isParser && progress.lag === 0n && (await tablesRead(log, groups, step))) break;
        // Transactional inputs end in commit markers no consumer sees: ask the log what is really left.
        const idle = progress.processed === lastCommitted;
        lastCommitted = progress.processed;
        if (!isParser && (upstreamDone || plan.steps.length === 1) && (progress.lag === 0n || idle)) {
          if ((await groups.pending(step.input, step.group)) === 0) break;
        }
        await new Promise((resolve) => setTimeout(resolve, progressIntervalMs));
      }
      upstreamDone = true;
      report(`${step.kind}: caught up`);
    }

    let currentTombstones = 0;
    const merger = [...runs.values()].find(
      (r) => r.processor.name === plan.steps.find((s) => s.kind === 'merger')?.group,
    );
    if (plan.reconcileCurrent && merger !== undefined) {
      currentTombstones = await reconcileCurrent(log, plan.topics.current, plan.topics.observed, merger);
      report(`merger: ${currentTombstones} configs no longer carried removed from ${plan.topics.current}`);
    }
    const steps: StepReport[] = [];
    for (const step of plan.steps) {
      steps.push({
        kind: step.kind,
        group: step.group,
        records: await recordsIn(step.group),
        tombstonedState: tombstoned.get(step.group) ?? 0,
      });
    }
    return { steps, currentTombstones, seconds: (performance.now() - started) / 1000 };
  } finally {
    await Promise.allSettled([...runs.values()].map((r) => r.run.stop()));
  }
}

/**
 * Moves an idle group's committed offsets with a transactional commit: the same effect as
 * setCommittedOffsets without its group join and fetch long-poll (seconds per group on Kafka).
 */
async function resetGroup(
  log: EventLog,
  group: string,
  offsets: readonly TopicPartitionOffset[],
  transactionalId: string,
): Promise<void> {
  const writer = await log.transactionalWriter(transactionalId);
  try {
    const tx = await writer.begin();
    try {
      await tx.commitOffsets(group, offsets);
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => undefined);
      throw error;
    }
  } finally {
    await writer.close();
  }
}

/** Whether the group has consumed every table input of the step up to its current end. */
async function tablesRead(log: EventLog, groups: ReplayGroups, step: ReplayStep): Promise<boolean> {
  for (const table of step.tables) {
    if ((await groupProgress(log, step.group, table)).lag === 0n) continue;
    // A table written in transactions ends in a marker no consumer commits past.
    if ((await groups.pending(table, step.group)) > 0) return false;
  }
  return true;
}

function describeStart(start: ReplayStart): string {
  if (start.kind === 'timestamp') return new Date(start.at).toISOString();
  return start.kind === 'end' ? 'the current end' : 'the beginning';
}

async function requireIdleGroups(kafka: Kafka, groups: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups: described } = await admin.describeGroups([...groups]);
    const active = described.filter((g) => g.members.length > 0).map((g) => g.groupId);
    if (active.length > 0) {
      throw new ReplayError(
        'GROUP_ACTIVE',
        `consumers are running in ${active.join(', ')}: stop those services before replaying in place`,
      );
    }
  } finally {
    await admin.disconnect();
  }
}

async function startOffsets(log: EventLog, topic: string, start: ReplayStart): Promise<Offsets> {
  if (start.kind === 'end') return log.endOffsets(topic);
  // The first offset at or after time 0 is the earliest one the log still holds.
  return log.offsetsForTimestamp(topic, start.kind === 'timestamp' ? start.at : 0);
}

/** Tombstones every live key of a changelog, in the partition it lives in; returns how many. */
async function emptyChangelog(log: EventLog, topic: string): Promise<number> {
  const live = new Map<string, number>();
  await log.readToEnd(topic, {
    onRecords: (records) => {
      for (const r of records) {
        if (r.key === null) continue;
        if (r.value === null && r.decodeFailure === null) live.delete(r.key);
        else live.set(r.key, r.partition);
      }
    },
  });
  const tombstones: OutgoingRecord[] = [...live].map(([key, partition]) => ({
    topic,
    key,
    value: null,
    partition,
  }));
  for (let i = 0; i < tombstones.length; i += 5000) await log.append(tombstones.slice(i, i + 5000));
  return tombstones.length;
}

/** Deletes from configs.current every key the rebuilt merger state does not hold. */
async function reconcileCurrent(
  log: EventLog,
  current: string,
  observed: string,
  merger: StartedProcessor,
): Promise<number> {
  const partitions = await log.partitionCount(observed);
  if (merger.run.partitions().length !== partitions) {
    throw new ReplayError(
      'PARTIAL_ASSIGNMENT',
      `the replay's merger holds ${merger.run.partitions().length} of ${partitions} partitions: another member joined`,
    );
  }
  const state = merger.run.storeSnapshot(MERGER_STORE);
  const live = new Set<string>();
  await log.readToEnd(current, {
    onRecords: (records) => {
      for (const r of records) {
        if (r.key === null) continue;
        if (r.value === null && r.decodeFailure === null) live.delete(r.key);
        else live.add(r.key);
      }
    },
  });
  const stale: OutgoingRecord[] = [...live]
    .filter((key) => !state.has(key))
    .map((key) => ({ topic: current, key, value: null }));
  for (let i = 0; i < stale.length; i += 5000) await log.append(stale.slice(i, i + 5000));
  return stale.length;
}

async function metricSum(
  registry: Registry,
  name: string,
  labels: Readonly<Record<string, string>>,
): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}
