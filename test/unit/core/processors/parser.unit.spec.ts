import { describe, expect, it } from 'vitest';
import type { ConfigObserved, SourceSnapshot } from '../../../../services/generated/events.ts';
import { createParser, PARSER_DLQ_CODES } from '../../../../services/core/processors/parser.ts';
import { CHUNK_SIZE, chunkKey } from '../../../../services/core/processors/parser-state.ts';
import type { SourceState } from '../../../../services/core/processors/parser-state.ts';
import { PARSER_STORE, pipelineTopics } from '../../../../services/core/processors/pipeline-topics.ts';
import { BODY_ERROR_CODES } from '../../../../services/core/processors/fetched-body.ts';
import { parseSubscription } from '../../../../services/core/formats/parse-subscription.ts';
import { dedupe } from '../../../../services/core/dedupe.ts';
import { fingerprint } from '../../../../services/core/identity/fingerprint.ts';
import type { OutputRecord } from '../../../../services/core/processing/record.ts';
import { FETCH_OUTCOMES } from '../../../../services/shared/events/fetch-outcome.ts';
import { fetchedEvent } from '../../../helpers/fetch-events.ts';
import { createDriver } from './process-driver.ts';

const topics = pipelineTopics();
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

const ssKey = Buffer.from('aes-256-gcm:secretpass').toString('base64');
const LINKS = {
  a: 'trojan://pass1@a1.example.com:443?security=tls&sni=a1.example.com#one',
  b: 'vless://8f7c1a44-5a5b-4d0e-9d57-0c6f3e0b9a11@b2.example.com:443?encryption=none&security=tls&type=ws&path=%2Fws#two',
  c: `ss://${ssKey}@c3.example.com:8388#three`,
  aRenamed: 'trojan://pass1@a1.example.com:443?security=tls&sni=a1.example.com#dup',
  d: 'trojan://pass4@d4.example.com:8443?security=tls&sni=d4.example.com#four',
} as const;

const fpOf = (link: string): string => {
  const parsed = parseSubscription(link).configs[0];
  if (parsed === undefined) throw new Error(`fixture link does not parse: ${link}`);
  return fingerprint(parsed.config);
};

const observedOf = (outputs: readonly OutputRecord[]) =>
  outputs.filter((o) => o.topic === topics.observed).map((o) => o.value as ConfigObserved);
const snapshotsOf = (outputs: readonly OutputRecord[]) =>
  outputs.filter((o) => o.topic === topics.snapshots).map((o) => o.value as SourceSnapshot);

function run(options: Partial<Parameters<typeof createParser>[0]> = {}) {
  const driver = createDriver(createParser({ topics, ...options }));
  const fetch = (input: Parameters<typeof fetchedEvent>[0]) => {
    const before = driver.outputs.length;
    const event = fetchedEvent(input);
    const outcome = driver.push(event.sourceId, event);
    const outputs = driver.outputs.slice(before);
    return { outcome, outputs, observed: observedOf(outputs), snapshot: snapshotsOf(outputs)[0] };
  };
  return { driver, fetch };
}

describe('parser', () => {
  it('publishes one present observation per distinct config, in body order, and a snapshot counting the body', () => {
    const { fetch } = run();
    const body = [LINKS.a, LINKS.b, LINKS.c, LINKS.aRenamed, 'garbage line'].join('\n');
    const { observed, snapshot } = fetch({ sourceId: 's1', at: T0, body });

    const expected = dedupe(parseSubscription(body).configs);
    expect(observed.map((o) => o.fingerprint)).toEqual(expected.groups.map((g) => g.fingerprint));
    expect(observed.every((o) => o.presence === 'present' && o.sourceId === 's1' && o.fetchedAt === T0)).toBe(
      true,
    );
    const first = observed[0];
    expect(first?.config && JSON.parse(first.config)).toMatchObject({
      protocol: 'trojan',
      name: 'one',
      server: 'a1.example.com',
    });
    expect(first).toMatchObject({
      protocol: 'trojan',
      server: 'a1.example.com',
      port: 443,
      originLine: 1,
      originFrom: 'trojan',
    });
    expect(snapshot).toMatchObject({
      sourceId: 's1',
      outcome: 'ok',
      container: 'uri-list',
      configs: 4,
      uniqueConfigs: 3,
      duplicates: 1,
      added: 3,
      removed: 0,
      protocols: { shadowsocks: 1, trojan: 2, vless: 1 },
      diagnostics: { GARBAGE_LINE: 1 },
      unchanged: false,
      retained: false,
    });
  });

  it('derives event ids from the fetch event, so processing the same fetches again yields identical events', () => {
    const events = [
      { sourceId: 's1', at: T0, body: [LINKS.a, LINKS.b].join('\n') },
      { sourceId: 's1', at: T0 + HOUR, body: [LINKS.b, LINKS.c].join('\n') },
    ];
    const first = run();
    const second = run();
    for (const e of events) first.fetch(e);
    for (const e of events) second.fetch(e);
    expect(second.driver.outputs).toEqual(first.driver.outputs);
    const ids = first.driver.outputs.map((o) => (o.value as ConfigObserved).metadata.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    const cause = fetchedEvent(events[0] as Parameters<typeof fetchedEvent>[0]).metadata;
    expect((first.driver.outputs[0]?.value as ConfigObserved).metadata).toMatchObject({
      causationId: cause.eventId,
      correlationId: cause.correlationId,
      eventTime: T0,
    });
  });

  it('publishes absent for configs that disappear and present again for everything still carried', () => {
    const { fetch } = run();
    fetch({ sourceId: 's1', at: T0, body: [LINKS.a, LINKS.b].join('\n') });
    const { observed, snapshot } = fetch({
      sourceId: 's1',
      at: T0 + HOUR,
      body: [LINKS.b, LINKS.d].join('\n'),
    });
    expect(observed.map((o) => [o.presence, o.fingerprint])).toEqual([
      ['present', fpOf(LINKS.b)],
      ['present', fpOf(LINKS.d)],
      ['absent', fpOf(LINKS.a)],
    ]);
    const absent = observed[2];
    expect(absent).toMatchObject({
      config: null,
      protocol: 'trojan',
      server: 'a1.example.com',
      port: 443,
      fetchedAt: T0 + HOUR,
    });
    expect(snapshot).toMatchObject({ added: 1, removed: 1, uniqueConfigs: 2 });
  });

  it('only confirms the set when the body is unchanged or the server answers 304', () => {
    const { fetch } = run();
    const body = [LINKS.a, LINKS.b, 'garbage'].join('\n');
    const first = fetch({ sourceId: 's1', at: T0, body });
    const same = fetch({ sourceId: 's1', at: T0 + HOUR, body });
    expect(same.observed).toEqual([]);
    expect(same.snapshot).toMatchObject({
      unchanged: true,
      retained: false,
      configs: 2,
      uniqueConfigs: 2,
      container: 'uri-list',
      diagnostics: { GARBAGE_LINE: 1 },
      bodySha256: first.snapshot?.bodySha256,
      added: 0,
      removed: 0,
    });
    const notModified = fetch({ sourceId: 's1', at: T0 + 2 * HOUR, outcome: FETCH_OUTCOMES.notModified });
    expect(notModified.observed).toEqual([]);
    expect(notModified.snapshot).toMatchObject({
      unchanged: true,
      outcome: 'not-modified',
      httpStatus: 304,
      configs: 2,
    });
  });

  it('keeps a source configs through a failed fetch, an HTML error page and an empty body', () => {
    const { driver, fetch } = run();
    fetch({ sourceId: 's1', at: T0, body: [LINKS.a, LINKS.b].join('\n') });
    const stateBefore = driver.store(PARSER_STORE).get(chunkKey('s1', 0));

    const failed = fetch({ sourceId: 's1', at: T0 + HOUR, outcome: FETCH_OUTCOMES.timeout });
    expect(failed.observed).toEqual([]);
    expect(failed.snapshot).toMatchObject({
      outcome: 'timeout',
      retained: true,
      container: null,
      configs: 0,
      removed: 0,
    });

    const html = fetch({
      sourceId: 's1',
      at: T0 + 2 * HOUR,
      body: '<!doctype html><html><body>502 Bad Gateway</body></html>',
    });
    expect(html.observed).toEqual([]);
    expect(html.snapshot).toMatchObject({ retained: true, container: 'html', diagnostics: { HTML_BODY: 1 } });

    const empty = fetch({ sourceId: 's1', at: T0 + 3 * HOUR, body: '' });
    expect(empty.observed).toEqual([]);
    expect(empty.snapshot).toMatchObject({ retained: true, container: 'empty' });

    const noValid = fetch({ sourceId: 's1', at: T0 + 4 * HOUR, body: 'not a link\nneither is this' });
    expect(noValid.observed).toEqual([]);
    expect(noValid.snapshot?.retained).toBe(true);

    expect(driver.store(PARSER_STORE).get(chunkKey('s1', 0))).toEqual(stateBefore);
    // The set is still there: the next real change is diffed against it.
    const next = fetch({ sourceId: 's1', at: T0 + 5 * HOUR, body: LINKS.b });
    expect(next.observed.map((o) => o.presence)).toEqual(['present', 'absent']);
  });

  it('expires the configs of a source that keeps failing past the expiry time, once', () => {
    const { driver, fetch } = run({ expireAfterMs: 6 * HOUR });
    fetch({ sourceId: 's1', at: T0, body: [LINKS.a, LINKS.b].join('\n') });
    expect(
      fetch({ sourceId: 's1', at: T0 + 5 * HOUR, outcome: FETCH_OUTCOMES.httpError, httpStatus: 500 })
        .observed,
    ).toEqual([]);

    const expiring = fetch({ sourceId: 's1', at: T0 + 6 * HOUR, outcome: FETCH_OUTCOMES.connectError });
    expect(expiring.observed.map((o) => [o.presence, o.fingerprint])).toEqual([
      ['expired', fpOf(LINKS.a)],
      ['expired', fpOf(LINKS.b)],
    ]);
    expect(expiring.snapshot).toMatchObject({ retained: false, removed: 2 });
    expect(driver.store(PARSER_STORE).has(chunkKey('s1', 0))).toBe(false);

    const later = fetch({ sourceId: 's1', at: T0 + 7 * HOUR, outcome: FETCH_OUTCOMES.connectError });
    expect(later.observed).toEqual([]);
    expect(later.snapshot).toMatchObject({ retained: false, removed: 0 });

    const back = fetch({ sourceId: 's1', at: T0 + 8 * HOUR, body: [LINKS.a, LINKS.b].join('\n') });
    expect(back.observed.map((o) => o.presence)).toEqual(['present', 'present']);
    expect(back.snapshot).toMatchObject({ added: 2, unchanged: false });
  });

  it('counts expiry from the last fetch that confirmed the set, including 304s', () => {
    const { fetch } = run({ expireAfterMs: 6 * HOUR });
    fetch({ sourceId: 's1', at: T0, body: LINKS.a });
    fetch({ sourceId: 's1', at: T0 + 4 * HOUR, outcome: FETCH_OUTCOMES.notModified });
    expect(fetch({ sourceId: 's1', at: T0 + 9 * HOUR, outcome: FETCH_OUTCOMES.timeout }).observed).toEqual(
      [],
    );
    expect(
      fetch({ sourceId: 's1', at: T0 + 10 * HOUR, outcome: FETCH_OUTCOMES.timeout }).observed,
    ).toHaveLength(1);
  });

  it('does not read absence into a body cut at a size cap', () => {
    const { fetch } = run();
    fetch({ sourceId: 's1', at: T0, body: [LINKS.a, LINKS.b].join('\n') });
    const cut = fetch({ sourceId: 's1', at: T0 + HOUR, body: LINKS.a, truncated: true });
    expect(cut.observed).toEqual([]);
    expect(cut.snapshot).toMatchObject({ retained: true, configs: 1 });
  });

  it('keeps sources apart', () => {
    const { fetch } = run();
    fetch({ sourceId: 's1', at: T0, body: [LINKS.a, LINKS.b].join('\n') });
    const other = fetch({ sourceId: 's2', at: T0 + 1, body: LINKS.a });
    expect(other.observed.map((o) => [o.sourceId, o.presence])).toEqual([['s2', 'present']]);
    expect(other.snapshot).toMatchObject({ added: 1, removed: 0 });
  });

  it('stores a big source in chunks and drops the chunks it no longer needs', () => {
    const { driver, fetch } = run();
    const many = (n: number, offset = 0) =>
      Array.from(
        { length: n },
        (_, i) => `trojan://p${i + offset}@h${i + offset}.example.com:443?security=tls#n${i}`,
      ).join('\n');
    fetch({ sourceId: 'big', at: T0, body: many(CHUNK_SIZE * 2 + 10) });
    const store = driver.store(PARSER_STORE);
    expect((store.get('big') as SourceState).chunks).toBe(3);
    expect(store.has(chunkKey('big', 2))).toBe(true);

    const shrunk = fetch({ sourceId: 'big', at: T0 + HOUR, body: many(10) });
    expect(shrunk.observed.filter((o) => o.presence === 'absent')).toHaveLength(CHUNK_SIZE * 2);
    expect(store.get('big') as SourceState).toMatchObject({ chunks: 1, count: 10 });
    expect(store.has(chunkKey('big', 1))).toBe(false);
    expect(store.has(chunkKey('big', 2))).toBe(false);
  });

  it('fingerprints under the configured policy', () => {
    const { fetch } = run({ policy: 'endpoint' });
    const sameEndpoint = [
      'trojan://x@e.example.com:443?security=tls#1',
      'trojan://y@e.example.com:443?security=tls#2',
    ];
    const { observed } = fetch({ sourceId: 's1', at: T0, body: sameEndpoint.join('\n') });
    expect(observed).toHaveLength(1);
    expect(observed[0]?.fingerprintPolicy).toBe('endpoint');
  });

  it('parks malformed events, events under the wrong key and undecodable bodies in the DLQ, and drops tombstones', () => {
    const { driver } = run();
    expect(driver.push('s1', { hello: 'world' })).toMatchObject({
      kind: 'dlq',
      code: PARSER_DLQ_CODES.invalidEvent,
    });
    expect(driver.push('other', fetchedEvent({ sourceId: 's1', at: T0, body: LINKS.a }))).toMatchObject({
      kind: 'dlq',
      code: PARSER_DLQ_CODES.keyMismatch,
    });
    const corrupt = fetchedEvent({ sourceId: 's1', at: T0, body: LINKS.a });
    const broken = { ...corrupt, body: { ...corrupt.body!, data: Buffer.from('not gzip') } };
    expect(driver.push('s1', broken)).toMatchObject({ kind: 'dlq', code: BODY_ERROR_CODES.corrupt });
    expect(driver.push('s1', null)).toMatchObject({ kind: 'drop' });
    expect(driver.outputs).toEqual([]);
  });
});
