import {
  PROCESSOR_KINDS,
  pipelineTopics,
  processorName,
  processorTopicSpecs,
} from '../../../services/core/processors/pipeline-topics.ts';
import type { PipelineTopics } from '../../../services/core/processors/pipeline-topics.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import type { RetentionPolicy } from '../../../services/shared/embedded-store/retention-policy.ts';
import { logTopic } from '../../../services/embedded/embedded-topics.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';
import { uniqueSuffix } from '../../contract/event-log-fixture.ts';
import { describePipelineContract } from '../../contract/pipeline.contract.ts';
import { openEmbeddedLog, storeDatabase } from './embedded-fixture.ts';

function topicsOf(topics: PipelineTopics) {
  return [
    ...processorTopicSpecs(PROCESSOR_KINDS.parser, topics),
    ...processorTopicSpecs(PROCESSOR_KINDS.merger, topics),
  ].map(logTopic);
}

describePipelineContract('in-process bus', async () => {
  const topics = pipelineTopics({ prefix: `p-${uniqueSuffix()}.` });
  const log = createInProcessEventLog();
  await log.ensureTopics(topicsOf(topics));
  return { log, topics, restart: () => Promise.resolve(log), cleanup: () => log.close() };
});

describePipelineContract('embedded (in-process bus stored in chDB, restarts reopen the store)', async () => {
  const topics = pipelineTopics({ prefix: `p-${uniqueSuffix()}.` });
  const retention: RetentionPolicy = (topic) => {
    if (topic === topics.fetched) return { durableGroups: [processorName(PROCESSOR_KINDS.parser, topics)] };
    if (topic === topics.observed) return { durableGroups: [processorName(PROCESSOR_KINDS.merger, topics)] };
    return { durableGroups: [] };
  };
  const db = storeDatabase();
  const open = async (): Promise<EventLog> => {
    const opened = await openEmbeddedLog(db, { retention });
    await opened.ensureTopics(topicsOf(topics));
    await opened.restore();
    return opened;
  };
  let log = await open();
  return {
    get log() {
      return log;
    },
    topics,
    async restart() {
      await log.close();
      log = await open();
      return log;
    },
    async cleanup() {
      await log.close();
      await db.close();
    },
  };
});
