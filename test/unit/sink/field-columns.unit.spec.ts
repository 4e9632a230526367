import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClickHouseLogLevel } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventValueByTopic } from '../../../services/generated/events.ts';
import { EVENT_SCHEMAS } from '../../../services/generated/schemas.ts';
import { createClickHouse } from '../../../services/shared/clickhouse/create-client.ts';
import { migrateDatabase } from '../../../services/shared/clickhouse/migrate.ts';
import { nameBasedUuid } from '../../../services/shared/events/event-metadata.ts';
import { createTimeFormatter } from '../../../services/sink/event-rows.ts';
import type { Row } from '../../../services/sink/event-rows.ts';
import { DERIVED_COLUMNS, FIELD_COLUMNS, schemaFieldPaths } from '../../../services/sink/field-columns.ts';
import type { SinkEventTopic } from '../../../services/sink/field-columns.ts';
import { sinkRoutes } from '../../../services/sink/sink-routes.ts';
import type { metadata } from '../../integration/sink/event-builders.ts';
import {
  anomaly,
  current,
  fetched,
  fp,
  health,
  observed,
  probed,
  scored,
  snapshot,
} from '../../integration/sink/event-builders.ts';

const AT = Date.UTC(2026, 10, 20, 8, 15, 30, 250);
const time = createTimeFormatter();
const routes = sinkRoutes();
const withCause = <T extends { metadata: ReturnType<typeof metadata> }>(event: T): T => ({
  ...event,
  metadata: { ...event.metadata, causationId: nameBasedUuid('cause') },
});

/** One event per stored topic with every optional field present and every array non-empty. */
const FULL: { readonly [T in SinkEventTopic]: EventValueByTopic[T] } = {
  'sources.fetched.v1': {
    ...fetched('f', 'src-a', AT),
    remoteAddress: '127.0.0.1',
    errorMessage: 'none',
    timings: { startedAt: AT, dnsMs: 1, connectMs: 2, ttfbMs: 3, totalMs: 4 },
    headers: {
      etag: '"e"',
      lastModified: 'Fri, 20 Nov 2026 08:00:00 GMT',
      contentType: 'text/plain',
      contentEncoding: 'gzip',
      contentLength: 10,
      subscriptionUserinfo: 'upload=1',
      profileUpdateInterval: '12',
      profileTitle: 't',
      retryAfter: '60',
    },
    requestEtag: '"d"',
    requestLastModified: 'Thu, 19 Nov 2026 08:00:00 GMT',
  },
  'sources.snapshots.v1': snapshot('s', 'src-a', AT, { protocols: { vless: 2 }, diagnostics: { X: 1 } }),
  'configs.observed.v1': observed('o', fp('a'), 'src-a', AT),
  'configs.current.v1': withCause({
    ...current('c', fp('a'), ['src-a', 'src-b'], AT),
    sources: [
      {
        sourceId: 'src-a',
        firstSeen: AT - 60_000,
        lastSeen: AT,
        name: 'Node A',
        variant: '{"protocol":"vless","security":"none"}',
      },
      { sourceId: 'src-b', firstSeen: AT, lastSeen: AT, name: '', variant: null },
    ],
  }),
  'configs.probed.v1': withCause(
    probed('p', fp('a'), AT, {
      outcome: 'tls-error',
      errorCode: 'TLS_CERT_NAME_MISMATCH',
      errorDetail: 'x509: certificate is valid for other.test',
      vantage: 'eu-1',
      connectMs: 12,
      tlsHandshakeMs: 30,
      trafficBytes: 4_321,
    }),
  ),
  'configs.scored.v1': withCause(
    scored('sc', fp('a'), AT, {
      score: 71.5,
      components: { reachability: 0.9, latency: 0.4 },
      weights: { reachability: 0.6, latency: 0.4 },
      points: { reachability: 54, latency: 16 },
      lastProbeOutcome: 'ok',
      lastProbeLatencyMs: 80,
      lastProbedAt: AT - 1_000,
      verdict: 'working',
      vantages: [
        {
          vantage: 'eu-1',
          reachability: 0.9,
          latencyMs: 80.5,
          confidence: 1,
          probes: 3,
          lastOutcome: 'ok',
          lastProbedAt: AT - 1_000,
        },
        {
          vantage: 'us-1',
          reachability: 0.2,
          latencyMs: null,
          confidence: 0.5,
          probes: 1,
          lastOutcome: null,
          lastProbedAt: null,
        },
      ],
      notes: ['TLS without certificate verification'],
    }),
  ),
  'sources.health.v1': withCause(
    health('h', 'src-a', AT, {
      status: 'degraded',
      baselineConfigs: 40.5,
      activeAnomalies: ['mirror'],
      reliability: 0.42,
      reliabilityComponents: { fetchSuccess: 0.5, probePass: 0.3 },
      reliabilityWeights: { fetchSuccess: 0.5, probePass: 0.5 },
      demoted: true,
      demotedSince: AT - 3_600_000,
      mirrorOf: 'src-b',
      probedConfigs: 10,
      workingConfigs: 3,
      exclusiveConfigs: 2,
      lastChangeAt: AT - 60_000,
    }),
  ),
  'sources.anomalies.v1': withCause(
    anomaly('an', 'src-a', AT, {
      kind: 'mirror',
      observed: 0.98,
      expected: 0.1,
      snapshotEventId: nameBasedUuid('cause'),
      evidence: { jaccard: '0.98', threshold: '0.9' },
      relatedSourceId: 'src-b',
      openedAt: AT - 7_200_000,
    }),
  ),
};

const topics = Object.keys(FIELD_COLUMNS) as SinkEventTopic[];
const routeOf = (topic: SinkEventTopic) => {
  const route = routes.find((r) => r.spec.schema === topic);
  if (route === undefined) throw new Error(`no sink route for ${topic}`);
  return route;
};
const rowOf = (topic: SinkEventTopic): Row => {
  const result = routeOf(topic).toRow(
    FULL[topic],
    { topic, partition: 0, offset: '0', timestamp: AT, key: 'k' },
    time,
  );
  if (result.kind !== 'row') throw new Error(`${topic}: ${JSON.stringify(result)}`);
  return result.row;
};
const columnsOf = (topic: SinkEventTopic): string[] =>
  Object.values(FIELD_COLUMNS[topic]).flatMap((fate) => ('column' in fate ? [fate.column] : []));

describe('schema field coverage of the sink', () => {
  it('stores exactly the topics that have a field map', () => {
    expect(routes.map((r) => r.spec.schema).sort()).toEqual([...topics].sort());
  });

  it.each(topics)('maps every field of %s to a column or excludes it with a reason', (topic) => {
    const declared = FIELD_COLUMNS[topic];
    const fields = schemaFieldPaths(EVENT_SCHEMAS[topic]);
    const unhandled = fields.filter((f) => !(f in declared));
    const stale = Object.keys(declared).filter((f) => !fields.includes(f));
    expect(unhandled, `fields of ${topic} neither mapped nor excluded`).toEqual([]);
    expect(stale, `declared fields ${topic} no longer has`).toEqual([]);
    for (const [field, fate] of Object.entries(declared)) {
      if ('excluded' in fate) expect(fate.excluded.length, `${topic} ${field}`).toBeGreaterThan(10);
    }
  });

  it.each(topics)('writes every declared column of %s and no undeclared one', (topic) => {
    const row = rowOf(topic);
    const columns = columnsOf(topic);
    expect(columns.filter((c) => !(c in row))).toEqual([]);
    expect(Object.keys(row).filter((k) => !columns.includes(k) && !DERIVED_COLUMNS.includes(k))).toEqual([]);
  });

  it('finds a field added to a contract, nested or in an array of records, as unhandled', () => {
    const base = EVENT_SCHEMAS['configs.scored.v1'];
    const grown = {
      ...base,
      fields: [
        ...base.fields.map((f) => {
          const field = f as { name: string; type: unknown };
          if (field.name !== 'vantages') return field;
          const array = field.type as { items: { fields: unknown[] } };
          return {
            ...field,
            type: {
              ...array,
              items: {
                ...array.items,
                fields: [...array.items.fields, { name: 'jitterMs', type: 'double' }],
              },
            },
          };
        }),
        {
          name: 'explanation',
          type: ['null', { type: 'record', name: 'X', fields: [{ name: 'why', type: 'string' }] }],
        },
      ],
    };
    const declared = FIELD_COLUMNS['configs.scored.v1'];
    const unhandled = (schema: unknown) => schemaFieldPaths(schema).filter((p) => !(p in declared));
    const before = unhandled(base);
    expect(unhandled(grown).filter((p) => !before.includes(p))).toEqual([
      'vantages[].jitterMs',
      'explanation.why',
    ]);
  });

  it('keeps the per-vantage and per-source arrays aligned element by element', () => {
    const score = rowOf('configs.scored.v1');
    expect(score['vantage_ids']).toEqual(['eu-1', 'us-1']);
    expect(score['vantage_latency_ms']).toEqual([80.5, null]);
    expect(score['vantage_last_outcomes']).toEqual(['ok', '']);
    expect(score['vantage_last_probed_at']).toEqual([time(AT - 1_000), null]);
    expect(score['score']).toBe(71.5);
    const change = rowOf('configs.current.v1');
    expect(change['source_ids']).toEqual(['src-a', 'src-b']);
    expect(change['source_first_seen']).toEqual([time(AT - 60_000), time(AT)]);
    expect(change['source_names']).toEqual(['Node A', '']);
    expect(change['source_variants']).toEqual(['{"protocol":"vless","security":"none"}', '']);
  });
});

describe('the full rows against the migrated tables (chDB)', () => {
  let dataDir: string;
  let ch: ClickHouseClient;
  const QUIET = { log: { level: ClickHouseLogLevel.OFF } } as const;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'submerge-fields-'));
    const config = { mode: 'embedded' as const, dataDir, database: 'fields' };
    await migrateDatabase(config, { client: QUIET });
    ch = createClickHouse(config, QUIET);
  }, 120_000);
  afterAll(async () => {
    await ch?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(topics)('inserts the full row of %s and reads every value back', async (topic) => {
    const { table } = routeOf(topic);
    const row = rowOf(topic);
    await ch.insert({ table, values: [row], format: 'JSONEachRow' });
    const rs = await ch.query({
      query: `SELECT ${Object.keys(row).join(', ')} FROM ${table} WHERE event_id = {id:UUID}`,
      query_params: { id: row['event_id'] },
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    const [stored] = await rs.json<Record<string, unknown>>();
    // Bool columns read back as true/false, the rest as written.
    expect(stored).toEqual(row);
  });
});
