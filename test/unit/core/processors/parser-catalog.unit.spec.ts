import { describe, expect, it } from 'vitest';
import type { ConfigObserved, SourceCatalogEntry } from '../../../../services/generated/events.ts';
import {
  createParser,
  PARSER_DLQ_CODES,
  PARSER_DROP_REASONS,
} from '../../../../services/core/processors/parser.ts';
import { chunkKey } from '../../../../services/core/processors/parser-state.ts';
import type { SourceState } from '../../../../services/core/processors/parser-state.ts';
import { PARSER_STORE, pipelineTopics } from '../../../../services/core/processors/pipeline-topics.ts';
import { parseSubscription } from '../../../../services/core/formats/parse-subscription.ts';
import { fingerprint } from '../../../../services/core/identity/fingerprint.ts';
import type { OutputRecord } from '../../../../services/core/processing/record.ts';
import { nameBasedUuid } from '../../../../services/shared/events/event-metadata.ts';
import { fetchedEvent } from '../../../helpers/fetch-events.ts';
import { createDriver } from './process-driver.ts';

const topics = pipelineTopics({ prefix: 'cat-' });
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

const LINKS = {
  a: 'trojan://pass1@a1.example.com:443?security=tls&sni=a1.example.com#one',
  b: 'trojan://pass2@b2.example.com:443?security=tls&sni=b2.example.com#two',
  c: 'trojan://pass3@c3.example.com:443?security=tls&sni=c3.example.com#three',
} as const;

const fpOf = (link: string): string => {
  const parsed = parseSubscription(link).configs[0];
  if (parsed === undefined) throw new Error(`fixture link does not parse: ${link}`);
  return fingerprint(parsed.config);
};

function catalogEntry(id: string, at: number, enabled: boolean): SourceCatalogEntry {
  const eventId = nameBasedUuid(`catalog\u0000${id}\u0000${at}`);
  return {
    metadata: {
      eventId,
      eventTime: at,
      producer: 'catalog-loader/test',
      correlationId: eventId,
      causationId: null,
    },
    id,
    urls: [`http://127.0.0.1/${id}`],
    tier: 'bulk',
    format: 'auto',
    intervalSeconds: 1800,
    tags: [],
    enabled,
    allowPrivateAddresses: true,
  };
}

const observedOf = (outputs: readonly OutputRecord[]) =>
  outputs.filter((o) => o.topic === topics.observed).map((o) => o.value as ConfigObserved);

function run() {
  const driver = createDriver(createParser({ topics }));
  const step = (push: () => ReturnType<typeof driver.push>) => {
    const before = driver.outputs.length;
    const outcome = push();
    const outputs = driver.outputs.slice(before);
    return { outcome, outputs, observed: observedOf(outputs) };
  };
  return {
    driver,
    fetch: (sourceId: string, at: number, links: readonly string[]) =>
      step(() => {
        const event = fetchedEvent({ sourceId, at, body: links.join('\n') });
        return driver.push(sourceId, event, topics.fetched);
      }),
    catalog: (sourceId: string, at: number, enabled: boolean) =>
      step(() => driver.push(sourceId, catalogEntry(sourceId, at, enabled), topics.catalog)),
    remove: (sourceId: string) => step(() => driver.push(sourceId, null, topics.catalog)),
    header: (sourceId: string) => driver.store(PARSER_STORE).get(sourceId) as SourceState | undefined,
  };
}

/** What a merger would hold per (fingerprint, source) after folding the observations in order. */
function carriedBy(outputs: readonly OutputRecord[]): string[] {
  const held = new Map<string, boolean>();
  for (const o of observedOf(outputs)) held.set(`${o.sourceId} ${o.fingerprint}`, o.presence === 'present');
  return [...held]
    .filter(([, present]) => present)
    .map(([key]) => key)
    .sort();
}

describe('parser and the sources catalog', () => {
  it('reads the catalog topic beside the raw topic', () => {
    expect(createParser({ topics }).inputTopics).toEqual([topics.fetched, topics.catalog]);
  });

  it('withdraws every config of a source the catalog disables and clears its set', () => {
    const { fetch, catalog, header, driver } = run();
    fetch('s1', T0, [LINKS.a, LINKS.b]);
    const entry = catalogEntry('s1', T0 + HOUR, false);
    const { observed } = catalog('s1', T0 + HOUR, false);

    expect(observed.map((o) => [o.presence, o.fingerprint])).toEqual([
      ['absent', fpOf(LINKS.a)],
      ['absent', fpOf(LINKS.b)],
    ]);
    expect(
      observed.every(
        (o) =>
          o.sourceId === 's1' &&
          o.fetchedAt === T0 + HOUR &&
          o.config === null &&
          o.metadata.causationId === entry.metadata.eventId &&
          o.metadata.correlationId === entry.metadata.correlationId,
      ),
    ).toBe(true);
    expect(header('s1')).toMatchObject({
      count: 0,
      chunks: 0,
      bodySha256: null,
      withdrawn: { reason: 'disabled', at: T0 + HOUR, eventId: entry.metadata.eventId },
    });
    expect(driver.store(PARSER_STORE).has(chunkKey('s1', 0))).toBe(false);
  });

  it('ignores fetches of a withdrawn source until the catalog enables it, then the next fetch brings its configs back', () => {
    const { fetch, catalog, header } = run();
    fetch('s1', T0, [LINKS.a, LINKS.b]);
    catalog('s1', T0 + HOUR, false);

    const inFlight = fetch('s1', T0 + 2 * HOUR, [LINKS.a, LINKS.b, LINKS.c]);
    expect(inFlight.outcome).toEqual({ kind: 'drop', reason: PARSER_DROP_REASONS.withdrawn });
    expect(inFlight.outputs).toEqual([]);
    expect(catalog('s1', T0 + 2 * HOUR, false).outputs).toEqual([]);

    const enabled = catalog('s1', T0 + 3 * HOUR, true);
    expect(enabled.outputs).toEqual([]);
    expect(header('s1')).toBeUndefined();

    const next = fetch('s1', T0 + 4 * HOUR, [LINKS.a, LINKS.c]);
    expect(next.observed.map((o) => [o.presence, o.fingerprint])).toEqual([
      ['present', fpOf(LINKS.a)],
      ['present', fpOf(LINKS.c)],
    ]);
  });

  it('withdraws a removed source on a catalog tombstone, with ids a replay reproduces', () => {
    const sequence = (r: ReturnType<typeof run>) => {
      r.fetch('s1', T0, [LINKS.a]);
      return r.remove('s1');
    };
    const first = sequence(run());
    const again = sequence(run());
    expect(first.observed.map((o) => [o.presence, o.fingerprint])).toEqual([['absent', fpOf(LINKS.a)]]);
    expect(first.observed.map((o) => o.metadata.eventId)).toEqual(
      again.observed.map((o) => o.metadata.eventId),
    );
  });

  it('never dates an absence before the fetch that last confirmed the set', () => {
    const { fetch, catalog } = run();
    fetch('s1', T0 + 2 * HOUR, [LINKS.a]);
    // The catalog loader's clock trails the fetcher's: the merger would ignore an older absence.
    const { observed } = catalog('s1', T0 + HOUR, false);
    expect(observed.map((o) => o.fetchedAt)).toEqual([T0 + 2 * HOUR]);
  });

  it('ends with no configs of a disabled source whichever topic a replay reads first', () => {
    const catalogFirst = run();
    catalogFirst.catalog('s1', T0 + 2 * HOUR, false);
    catalogFirst.fetch('s1', T0, [LINKS.a, LINKS.b]);
    catalogFirst.fetch('s1', T0 + HOUR, [LINKS.b, LINKS.c]);
    catalogFirst.fetch('s2', T0, [LINKS.a]);

    const fetchesFirst = run();
    fetchesFirst.fetch('s1', T0, [LINKS.a, LINKS.b]);
    fetchesFirst.fetch('s1', T0 + HOUR, [LINKS.b, LINKS.c]);
    fetchesFirst.fetch('s2', T0, [LINKS.a]);
    fetchesFirst.catalog('s1', T0 + 2 * HOUR, false);

    const expected = [`s2 ${fpOf(LINKS.a)}`];
    expect(carriedBy(catalogFirst.driver.outputs)).toEqual(expected);
    expect(carriedBy(fetchesFirst.driver.outputs)).toEqual(expected);
  });

  it('leaves enabled sources, edits of them and other sources alone', () => {
    const { fetch, catalog, header } = run();
    fetch('s1', T0, [LINKS.a]);
    fetch('s2', T0, [LINKS.b]);
    const before = header('s1');
    expect(catalog('s1', T0 + HOUR, true)).toMatchObject({ outputs: [], outcome: { stateChanges: [] } });
    expect(header('s1')).toEqual(before);
    expect(catalog('s2', T0 + HOUR, false).observed.map((o) => o.sourceId)).toEqual(['s2']);
    expect(header('s1')).toEqual(before);
  });

  it('parks catalog records without a key, malformed or under another source key in the DLQ', () => {
    const { driver } = run();
    expect(driver.push(null, catalogEntry('s1', T0, false), topics.catalog)).toMatchObject({
      kind: 'dlq',
      code: PARSER_DLQ_CODES.invalidCatalogEvent,
    });
    expect(driver.push('s1', { id: 's1' }, topics.catalog)).toMatchObject({
      kind: 'dlq',
      code: PARSER_DLQ_CODES.invalidCatalogEvent,
    });
    expect(driver.push('s2', catalogEntry('s1', T0, false), topics.catalog)).toMatchObject({
      kind: 'dlq',
      code: PARSER_DLQ_CODES.keyMismatch,
    });
  });
});
