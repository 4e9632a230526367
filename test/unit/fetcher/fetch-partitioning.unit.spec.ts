import { setImmediate as realImmediate } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SourceCatalogEntry, SourceCommand } from '../../../services/generated/events.ts';
import { startFetcher } from '../../../services/fetcher/fetcher.ts';
import type { Fetcher } from '../../../services/fetcher/fetcher.ts';
import type { fetchSource } from '../../../services/fetcher/fetch-source.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { partitionForKey } from '../../../services/shared/bus/partition-for-key.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';

/**
 * Several fetcher instances on one catalog, through the event log port's consumer group (the
 * in-process bus here; the Kafka adapter passes the same contract suite). Time is simulated:
 * the HTTP round is replaced by a recorder, so what is proven is who fetches what, when.
 */

const START = Date.parse('2025-03-01T00:00:00Z');
const INTERVAL_S = 60;
const CATALOG = 'sources.catalog.v1';
const FETCHED = 'sources.fetched.v1';
const COMMANDS = 'sources.commands.v1';
const PARTITIONS = 6;
const logger = createLogger({ service: 'fetcher-test', level: 'silent' });

interface Fetch {
  readonly instance: string;
  readonly source: string;
  readonly at: number;
}

const entry = (id: string, over: Partial<SourceCatalogEntry> = {}): SourceCatalogEntry => ({
  metadata: {
    eventId: `e-${id}`,
    eventTime: START,
    producer: 'catalog/test',
    correlationId: `e-${id}`,
    causationId: null,
  },
  id,
  urls: [`https://example.com/${id}`],
  tier: 'reliable',
  format: 'auto',
  intervalSeconds: INTERVAL_S,
  tags: [],
  enabled: true,
  allowPrivateAddresses: false,
  ...over,
});

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i += 1) await realImmediate();
};

/** Advances simulated time in steps, letting the bus's consumer loops (real setImmediate) run between them. */
const advance = async (ms: number, step = 5_000): Promise<void> => {
  for (let done = 0; done < ms; done += step) {
    await vi.advanceTimersByTimeAsync(Math.min(step, ms - done));
    await settle();
  }
};

let log: EventLog;
const fetches: Fetch[] = [];
const fetchers: Fetcher[] = [];

const start = async (instance: string): Promise<Fetcher> => {
  const recorder: typeof fetchSource = (source) => {
    fetches.push({ instance, source: source.id, at: Date.now() });
    return Promise.resolve({ succeeded: true, outcome: 'ok', attempts: 1, notBefore: undefined });
  };
  const fetcher = await startFetcher({
    log,
    topics: { catalog: CATALOG, fetched: FETCHED, commands: COMMANDS },
    group: 'fetchers',
    instanceId: instance,
    logger,
    fetchSource: recorder,
  });
  fetchers.push(fetcher);
  return fetcher;
};

const publish = (...entries: (SourceCatalogEntry | { id: string; tombstone: true })[]) =>
  log.append(entries.map((e) => ({ topic: CATALOG, key: e.id, value: 'tombstone' in e ? null : e })));

beforeEach(async () => {
  vi.useFakeTimers({ now: START, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  fetches.length = 0;
  log = createInProcessEventLog();
  await log.ensureTopics([
    { name: CATALOG, partitions: PARTITIONS, compacted: true },
    { name: FETCHED, partitions: PARTITIONS, compacted: false },
    { name: COMMANDS, partitions: PARTITIONS, compacted: false },
  ]);
});

afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.stop()));
  await log.close();
  vi.useRealTimers();
});

function assertOncePerInterval(): void {
  const bySource = new Map<string, number[]>();
  for (const f of fetches) bySource.set(f.source, [...(bySource.get(f.source) ?? []), f.at]);
  for (const [source, times] of bySource) {
    times.sort((a, b) => a - b);
    for (let i = 1; i < times.length; i += 1) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0), source).toBeGreaterThanOrEqual(INTERVAL_S * 1000);
    }
  }
}

describe('fetch partitioning', () => {
  it('splits the catalog between instances by catalog partition; no source is fetched twice per interval', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `source-${i}`);
    await publish(...ids.map((id) => entry(id)));
    const a = await start('a');
    const b = await start('b');
    await settle();
    await advance(10 * 60_000);
    expect(a.ready() && b.ready()).toBe(true);

    const owner = new Map<string, Set<string>>();
    for (const f of fetches) owner.set(f.source, (owner.get(f.source) ?? new Set()).add(f.instance));
    expect([...owner.keys()].sort()).toEqual([...ids].sort());
    for (const [source, instances] of owner) expect(instances.size, source).toBe(1);
    // Ownership follows the partition of the source's key.
    const partitionsOf = (instance: string) =>
      new Set(
        fetches.filter((f) => f.instance === instance).map((f) => partitionForKey(f.source, PARTITIONS)),
      );
    const pa = partitionsOf('a');
    const pb = partitionsOf('b');
    expect([...pa].filter((p) => pb.has(p))).toEqual([]);
    expect(pa.size + pb.size).toBe(PARTITIONS);
    // Ten minutes at a one-minute interval: about ten fetches each, never two in one interval.
    for (const id of ids) expect(fetches.filter((f) => f.source === id).length).toBeGreaterThanOrEqual(9);
    assertOncePerInterval();
  });

  it('hands the sources of a leaving instance to the others without fetching any of them early', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `src-${i}`);
    await publish(...ids.map((id) => entry(id)));
    await start('a');
    const b = await start('b');
    await settle();
    await advance(5 * 60_000);
    await b.stop();
    fetchers.splice(fetchers.indexOf(b), 1);
    const handover = Date.now();
    await advance(5 * 60_000);

    const after = fetches.filter((f) => f.at > handover);
    expect(new Set(after.map((f) => f.instance))).toEqual(new Set(['a']));
    expect(new Set(after.map((f) => f.source))).toEqual(new Set(ids));
    assertOncePerInterval();
  });

  it('follows catalog changes: disabled and removed sources stop, added ones start', async () => {
    await publish(entry('stays'), entry('disabled'), entry('removed'));
    await start('a');
    await settle();
    await advance(3 * 60_000);
    await publish(entry('disabled', { enabled: false }), { id: 'removed', tombstone: true }, entry('added'));
    await settle();
    const changed = Date.now();
    await advance(5 * 60_000);

    const after = new Set(fetches.filter((f) => f.at > changed).map((f) => f.source));
    expect(after).toEqual(new Set(['stays', 'added']));
    expect(fetches.filter((f) => f.at <= changed).map((f) => f.source)).toContain('disabled');
  });

  it('is ready once its share of the catalog is loaded', async () => {
    await publish(...Array.from({ length: 12 }, (_, i) => entry(`r-${i}`)));
    const a = await start('a');
    await settle();
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(a.ready()).toBe(true);
    expect(a.scheduler.snapshot()).toHaveLength(12);
  });

  it('skips catalog records that are not source entries instead of crashing', async () => {
    await log.append([
      { topic: CATALOG, key: 'junk', value: { hello: 'world' } },
      { topic: CATALOG, key: 'mismatch', value: entry('other-id') },
      { topic: CATALOG, key: 'fine', value: entry('fine') },
    ]);
    const a = await start('a');
    await settle();
    await advance(2 * 60_000);
    expect(a.scheduler.snapshot().map((s) => s.id)).toEqual(['fine']);
  });

  it('carries out a fetch-now command on the instance that owns the source, and only once', async () => {
    const command = (sourceId: string, at: number, kind = 'fetch'): SourceCommand => ({
      metadata: {
        eventId: `c-${sourceId}-${at}`,
        eventTime: at,
        producer: 'read-api/test',
        correlationId: 'c',
        causationId: null,
      },
      command: kind,
      sourceId,
      fromTime: null,
      requestedBy: 'key-1',
    });
    const ids = Array.from({ length: 12 }, (_, i) => `cmd-${i}`);
    await publish(...ids.map((id) => entry(id, { intervalSeconds: 3_600 })));
    // Issued long before any fetcher started: must not fire when the partitions are assigned.
    await log.append([{ topic: COMMANDS, key: 'cmd-1', value: command('cmd-1', START - 3_600_000) }]);
    await start('a');
    await start('b');
    await settle();
    await advance(10_000);
    expect(fetches).toEqual([]);

    await log.append([
      { topic: COMMANDS, key: 'cmd-3', value: command('cmd-3', Date.now()) },
      { topic: COMMANDS, key: 'cmd-4', value: command('cmd-4', Date.now(), 'replay') },
    ]);
    await settle();
    await advance(10_000);
    expect(fetches.map((f) => f.source)).toEqual(['cmd-3']);
    const owner = fetchers.find((f) => f.scheduler.snapshot().some((s) => s.id === 'cmd-3'));
    expect(fetches[0]?.instance).toBe(owner === fetchers[0] ? 'a' : 'b');
  });
});
