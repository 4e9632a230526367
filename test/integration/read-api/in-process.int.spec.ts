import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readApiTopics } from '../../../services/core/read-model/read-topics.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import type { InProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { startReadApiServer } from '../../../services/read-api/server.ts';
import type { ReadApiServer } from '../../../services/read-api/server.ts';
import { DEFAULT_READ_API_SETTINGS } from '../../../services/read-api/settings.ts';
import { ADMIN } from '../../unit/read-api/read-api-harness.ts';
import { currentEvent, syntheticConfig } from '../../unit/read-api/read-fixtures.ts';
import { eventually, http } from './read-api-fixture.ts';

// The embedded mode's path: the same server over the in-process event log, asked over real HTTP.
describe('read API server over the in-process event log', () => {
  let log: InProcessEventLog;
  let server: ReadApiServer;
  const topics = readApiTopics();

  beforeAll(async () => {
    log = createInProcessEventLog();
    server = await startReadApiServer({
      log,
      settings: { ...DEFAULT_READ_API_SETTINGS, instanceId: 'embedded-test', bootstrapKeys: [ADMIN.key] },
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
    });
    await eventually(async () => (await http(server.url, '/ready')).status === 200);
  });

  afterAll(async () => {
    await server?.stop();
    await log?.close();
  });

  it('creates its topics, becomes ready on an empty log and serves what the pipeline appends', async () => {
    expect((await http(server.url, '/sub/uri')).text()).toBe('');
    const events = [1, 2, 3].map((i) => currentEvent(syntheticConfig(i), [{ sourceId: 'local' }]));
    await log.append(events.map((e) => ({ topic: topics.read.current, key: e.fingerprint, value: e })));
    await eventually(async () => (await http(server.url, '/sub/uri')).text().trim().split('\n').length === 3);
    const created = await http(server.url, '/admin/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN.text}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'reader', label: 'embedded' }),
    });
    expect(created.status).toBe(201);
  });
});
