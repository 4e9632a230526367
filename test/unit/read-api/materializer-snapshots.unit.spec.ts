import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createReadState } from '../../../services/core/read-model/read-state.ts';
import { readApiTopics } from '../../../services/core/read-model/read-topics.ts';
import {
  SNAPSHOT_LOOKBACK_SLACK_MS,
  snapshotLookback,
  widerLookback,
} from '../../../services/core/read-model/snapshot-lookback.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import type { EventLog, LogRecord } from '../../../services/shared/runtime/event-log.ts';
import { createMaterializer } from '../../../services/read-api/materializer.ts';
import { catalogEvent, healthEvent, snapshotEvent } from './read-fixtures.ts';
import { readApiLogTopics } from './read-api-harness.ts';

const topics = readApiTopics();
const DAY = 24 * 3600 * 1000;

/** An in-process log whose appends carry the time `at` says, and that counts snapshot records read. */
async function history(): Promise<{
  log: EventLog;
  at: { now: number };
  read: LogRecord[];
  close: () => Promise<void>;
}> {
  const at = { now: Date.now() - 29 * DAY - 2 * 3600 * 1000 };
  const inner = createInProcessEventLog({ clock: () => at.now });
  await inner.ensureTopics(readApiLogTopics(topics));
  const read: LogRecord[] = [];
  const log: EventLog = {
    ...inner,
    readToEnd: (topic, options) =>
      inner.readToEnd(topic, {
        ...options,
        onRecords: (records) => {
          if (topic === topics.read.snapshots) read.push(...records);
          return options.onRecords(records);
        },
      }),
  };
  return { log, at, read, close: () => inner.close() };
}

const snapshot = (sourceId: string, configs: number) => ({
  topic: topics.read.snapshots,
  key: sourceId,
  value: snapshotEvent(sourceId, configs),
});

describe('materializer: latest snapshot per source', () => {
  it('reads only the recent end of the snapshot history when health says every source was fetched lately', async () => {
    const { log, at, read, close } = await history();
    const sources = ['a', 'b', 'c'];
    // 30 days of hourly fetches, the latest round an hour ago.
    for (let hour = 0; hour < 29 * 24; hour++) {
      at.now += 3600 * 1000;
      await log.append(sources.map((id) => snapshot(id, hour)));
    }
    const lastRound = at.now;
    at.now = Date.now();
    await log.append(
      sources.map((id) => ({ topic: topics.read.catalog, key: id, value: catalogEvent(id, 'bulk') })),
    );
    await log.append(
      sources.map((id) => ({
        topic: topics.read.health,
        key: id,
        value: { ...healthEvent(id, 'healthy'), lastFetchAt: lastRound },
      })),
    );
    const state = createReadState();
    const materializer = createMaterializer({ log, topics, state, logger: pino({ level: 'silent' }) });
    materializer.start();
    await materializer.caughtUp;
    try {
      for (const id of sources) expect(state.snapshot(id)?.configs).toBe(29 * 24 - 1);
      // A couple of fetch rounds, not 696 of them.
      expect(read.length).toBeLessThanOrEqual(3 * 3);
    } finally {
      await materializer.stop();
      await close();
    }
  });

  it('widens the window until a source without health that the catalog enables has its latest snapshot', async () => {
    const { log, at, read, close } = await history();
    at.now += DAY;
    await log.append([snapshot('quiet', 1)]);
    at.now += DAY;
    await log.append([snapshot('quiet', 2)]);
    at.now += 20 * DAY;
    await log.append([snapshot('gone', 7)]);
    at.now = Date.now();
    await log.append([snapshot('busy', 3)]);
    await log.append([
      { topic: topics.read.catalog, key: 'quiet', value: catalogEvent('quiet', 'bulk') },
      { topic: topics.read.catalog, key: 'busy', value: catalogEvent('busy', 'bulk') },
    ]);
    const state = createReadState();
    const materializer = createMaterializer({ log, topics, state, logger: pino({ level: 'silent' }) });
    materializer.start();
    await materializer.caughtUp;
    try {
      expect(state.snapshot('busy')?.configs).toBe(3);
      // Not 1: the older window applies only sources no newer window had.
      expect(state.snapshot('quiet')?.configs).toBe(2);
      expect(read.map((r) => r.key)).toContain('quiet');
    } finally {
      await materializer.stop();
      await close();
    }
  });

  it('follows new snapshots from where the catch-up stopped, without reading the history again', async () => {
    const { log, at, close } = await history();
    at.now = Date.now();
    await log.append([snapshot('s', 1), snapshot('s', 2)]);
    const state = createReadState();
    const materializer = createMaterializer({ log, topics, state, logger: pino({ level: 'silent' }) });
    materializer.start();
    await materializer.caughtUp;
    try {
      const changes = state.changes;
      await log.append([snapshot('s', 3)]);
      await expect.poll(() => state.snapshot('s')?.configs).toBe(3);
      expect(state.changes - changes).toBe(1);
    } finally {
      await materializer.stop();
      await close();
    }
  });
});

describe('snapshotLookback', () => {
  const now = 1_800_000_000_000;
  const health = (id: string, lastFetchAt: number | null) => ({ ...healthEvent(id, 'healthy'), lastFetchAt });

  it('starts at the oldest last fetch health records, minus slack, and expects the sources fetched or enabled', () => {
    const healthById = new Map([
      ['fetched', health('fetched', now - 5 * DAY)],
      ['never', health('never', null)],
    ]);
    const catalog = new Map([
      ['fetched', catalogEvent('fetched', 'bulk')],
      ['new', catalogEvent('new', 'bulk')],
      ['off', catalogEvent('off', 'bulk', false)],
    ]);
    const plan = snapshotLookback(
      {
        sourceIds: () => ['fetched', 'never', 'new', 'off'],
        health: (id) => healthById.get(id),
        sources: () => catalog,
      },
      now,
    );
    expect([...plan.expected].sort()).toEqual(['fetched', 'new']);
    expect(plan.since).toBe(now - 5 * DAY - SNAPSHOT_LOOKBACK_SLACK_MS);
  });

  it('widens each window eightfold and ends at the start of time', () => {
    expect(widerLookback(now - 3600_000, now)).toBe(now - 8 * 3600_000);
    expect(widerLookback(1, now)).toBe(0);
  });
});
