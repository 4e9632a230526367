import { Registry } from 'prom-client';
import { Kafka, logLevel } from 'kafkajs';
import {
  PROCESSOR_KINDS,
  pipelineEventSpecs,
  pipelineTopics,
  processorTopicSpecs,
} from '../../../services/core/processors/pipeline-topics.ts';
import type { PipelineTopics, ProcessorKind } from '../../../services/core/processors/pipeline-topics.ts';
import type { ConfigCurrent, SourceFetched } from '../../../services/generated/events.ts';
import { valueSubject } from '../../../services/shared/events/topic-catalog.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import type { EventLog, LogRecord } from '../../../services/shared/runtime/event-log.ts';
import { openKafkaPipelineLog } from '../../../services/pipeline/kafka-pipeline-log.ts';
import { startPipelineProcessor } from '../../../services/pipeline/pipeline-processors.ts';
import type { ParserSettings, StartedProcessor } from '../../../services/pipeline/pipeline-processors.ts';
import { latestByKey } from '../../contract/event-log-fixture.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { deleteSubject, uniqueName } from '../../helpers/kafka.ts';
import { TEST_CONSUMER_TUNING } from '../runtime/kafka-fixture.ts';

/**
 * A parse/merge pipeline of its own on the local broker and registry: every topic under a
 * unique prefix (so groups, changelogs, DLQs and subjects are unique too), removed on cleanup.
 */
export interface PipelineFixture {
  readonly topics: PipelineTopics;
  readonly log: EventLog;
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  readonly kafka: Kafka;
  start(
    kind: ProcessorKind,
    options?: { parser?: ParserSettings; instance?: string; topics?: PipelineTopics },
  ): Promise<StartedProcessor>;
  appendFetched(events: readonly SourceFetched[]): Promise<void>;
  /** configs.current of a generation (default: the fixture's) folded to its latest value per key. */
  readCurrent(generation?: PipelineTopics): Promise<Map<string, ConfigCurrent>>;
  readAll(topic: string): Promise<LogRecord[]>;
  cleanup(): Promise<void>;
}

export async function pipelineFixture(name = 'it-pipe'): Promise<PipelineFixture> {
  const { kafkaBrokers: brokers, schemaRegistryUrl: registryUrl } = componentEndpoints();
  const prefix = `${uniqueName(name)}.`;
  const topics = pipelineTopics({ prefix });
  const logger = createLogger({ service: 'test', level: 'silent' });
  const logs: EventLog[] = [];
  const open = async (t: PipelineTopics): Promise<EventLog> => {
    const log = await openKafkaPipelineLog({
      brokers,
      registryUrl,
      topics: t,
      ensure: [
        ...processorTopicSpecs(PROCESSOR_KINDS.parser, t),
        ...processorTopicSpecs(PROCESSOR_KINDS.merger, t),
      ],
      clientId: 'submerge-test',
      logger,
      consumer: TEST_CONSUMER_TUNING,
    });
    logs.push(log);
    return log;
  };
  const log = await open(topics);
  const kafka = new Kafka({ clientId: 'submerge-test', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const runs: StartedProcessor[] = [];
  const generationLogs = new Map<string, EventLog>();
  const logOf = async (t: PipelineTopics): Promise<EventLog> => {
    const known = generationLogs.get(t.version);
    if (known !== undefined) return known;
    const opened = await open(t);
    generationLogs.set(t.version, opened);
    return opened;
  };
  const versions = new Set<PipelineTopics>([topics]);

  const readAll = async (topic: string): Promise<LogRecord[]> => {
    const out: LogRecord[] = [];
    await log.readToEnd(topic, { onRecords: (records) => void out.push(...records) });
    return out;
  };

  return {
    topics,
    log,
    brokers,
    registryUrl,
    kafka,
    async start(kind, options = {}) {
      const t = options.topics ?? topics;
      versions.add(t);
      const started = await startPipelineProcessor(kind, {
        log: t === topics ? log : await logOf(t),
        topics: t,
        instance: options.instance ?? '0',
        logger,
        registry: new Registry(),
        ...(options.parser === undefined ? {} : { parser: options.parser }),
      });
      runs.push(started);
      return started;
    },
    appendFetched: (events) =>
      log.append(events.map((e) => ({ topic: topics.fetched, key: e.sourceId, value: e }))),
    async readCurrent(generation = topics) {
      // Each generation's topics have their own registry subjects: read them with a log that knows them.
      versions.add(generation);
      const reader = generation === topics ? log : await logOf(generation);
      const out: LogRecord[] = [];
      await reader.readToEnd(generation.current, { onRecords: (records) => void out.push(...records) });
      return latestByKey(out) as Map<string, ConfigCurrent>;
    },
    readAll,
    async cleanup() {
      await Promise.allSettled(runs.map((r) => r.run.stop()));
      await Promise.allSettled(logs.map((l) => l.close()));
      const admin = kafka.admin();
      await admin.connect();
      try {
        const ours = (await admin.listTopics()).filter(
          (t) => t.startsWith(prefix) || t.startsWith(`dlq.${prefix}`),
        );
        if (ours.length > 0) await admin.deleteTopics({ topics: ours }).catch(() => undefined);
        const groups = (await admin.listGroups()).groups
          .map((g) => g.groupId)
          .filter((g) => g.startsWith(prefix));
        if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
      const subjects = [...versions].flatMap((t) => pipelineEventSpecs(t).map((s) => valueSubject(s.name)));
      await Promise.allSettled([...new Set(subjects)].map((s) => deleteSubject(registryUrl, s)));
    },
  };
}
