import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import type { InProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { readApiTopics } from '../../../services/core/read-model/read-topics.ts';
import { catalogEvent, currentEvent, syntheticConfig } from './read-fixtures.ts';
import { readApiLogTopics, startReadApi } from './read-api-harness.ts';
import type { ReadApiHarness } from './read-api-harness.ts';

describe('read API over the in-process event log', () => {
  let log: InProcessEventLog;
  let api: ReadApiHarness;

  beforeEach(async () => {
    log = createInProcessEventLog();
    const topics = readApiTopics();
    await log.ensureTopics(readApiLogTopics(topics));
    await log.append([
      { topic: topics.read.catalog, key: 'src-a', value: catalogEvent('src-a', 'premium') },
      { topic: topics.read.catalog, key: 'src-b', value: catalogEvent('src-b', 'bulk') },
    ]);
    const events = Array.from({ length: 30 }, (_, i) =>
      currentEvent(syntheticConfig(i), [{ sourceId: i % 2 === 0 ? 'src-a' : 'src-b' }]),
    );
    await log.append(events.map((e) => ({ topic: topics.read.current, key: e.fingerprint, value: e })));
    api = await startReadApi({ log });
  });

  afterEach(async () => {
    await api.close();
    await log.close();
  });

  it('serves every config as a uri list once caught up', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/sub/uri' });
    expect(response.statusCode).toBe(200);
    expect(response.body.trim().split('\n')).toHaveLength(30);
  });
});
