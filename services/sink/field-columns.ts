import type { EventTopic } from '../generated/events.ts';

/**
 * Where every field of every contract the sink stores ends up: the column of its table
 * (event-rows.ts writes it), or why it is left out. A unit test walks each schema's fields and
 * fails when one is in neither list, so a field added to a contract cannot silently miss
 * ClickHouse: it gets a migration and a mapping, or a stated reason.
 *
 * Paths: `a.b` for a field of a nested record, `a[].b` for a field of the records in array a.
 * Maps and arrays of plain values are leaves.
 */
export type FieldFate = { readonly column: string } | { readonly excluded: string };

const column = (name: string): FieldFate => ({ column: name });
const excluded = (why: string): FieldFate => ({ excluded: why });

/** The topics the sink stores (sink-routes.ts) by their contract. */
export type SinkEventTopic = Exclude<
  EventTopic,
  | 'sources.catalog.v1'
  | 'sources.commands.v1'
  | 'read-api.presets.v1'
  | 'read-api.preset-accesses.v1'
  | 'read-api.keys.v1'
  | 'admin.audit.v1'
>;

/** Columns every event table shares: the envelope. */
const envelope = {
  'metadata.eventId': column('event_id'),
  'metadata.producer': column('producer'),
} as const;

export const FIELD_COLUMNS: Readonly<Record<SinkEventTopic, Readonly<Record<string, FieldFate>>>> = {
  'sources.fetched.v1': {
    ...envelope,
    'metadata.eventTime': column('fetched_at'),
    'metadata.correlationId': column('correlation_id'),
    'metadata.causationId': excluded('a fetch is an origin event: the fetcher never sets a cause'),
    sourceId: column('source_id'),
    url: column('url'),
    urlIndex: column('url_index'),
    finalUrl: column('final_url'),
    redirects: column('redirects'),
    attempt: column('attempt'),
    remoteAddress: column('remote_address'),
    outcome: column('outcome'),
    httpStatus: column('http_status'),
    errorCode: column('error_code'),
    errorMessage: column('error_message'),
    'timings.startedAt': excluded('the fetcher sets metadata.eventTime to it; stored once as fetched_at'),
    'timings.dnsMs': column('dns_ms'),
    'timings.connectMs': column('connect_ms'),
    'timings.ttfbMs': column('ttfb_ms'),
    'timings.totalMs': column('total_ms'),
    'sizes.wireBytes': column('wire_bytes'),
    'sizes.decodedBytes': column('decoded_bytes'),
    'sizes.truncated': column('truncated'),
    'headers.etag': column('etag'),
    'headers.lastModified': column('last_modified'),
    'headers.contentType': column('content_type'),
    'headers.contentEncoding': column('content_encoding'),
    'headers.contentLength': column('content_length'),
    'headers.subscriptionUserinfo': column('subscription_userinfo'),
    'headers.profileUpdateInterval': column('profile_update_interval'),
    'headers.profileTitle': column('profile_title'),
    'headers.retryAfter': column('retry_after'),
    requestEtag: column('request_etag'),
    requestLastModified: column('request_last_modified'),
    'body.compression': column('body_compression'),
    'body.data': excluded(
      'bodies (up to 16 MiB) stay on the raw topic, the source of truth; the sink does not even decode them (sink-event-types.ts)',
    ),
    'body.sha256': column('body_sha256'),
  },
  'sources.snapshots.v1': {
    ...envelope,
    'metadata.eventTime': excluded("the fetch's time, equal to fetchedAt (fetched_at)"),
    'metadata.correlationId': column('correlation_id'),
    'metadata.causationId': excluded(
      'the fetch event it derives from, equal to fetchEventId (fetch_event_id)',
    ),
    sourceId: column('source_id'),
    fetchEventId: column('fetch_event_id'),
    fetchedAt: column('fetched_at'),
    outcome: column('outcome'),
    httpStatus: column('http_status'),
    container: column('container'),
    bytes: column('bytes'),
    bodySha256: column('body_sha256'),
    unchanged: column('unchanged'),
    configs: column('configs'),
    uniqueConfigs: column('unique_configs'),
    duplicates: column('duplicates'),
    added: column('added'),
    removed: column('removed'),
    protocols: column('protocols'),
    diagnostics: column('diagnostics'),
    retained: column('retained'),
  },
  'configs.observed.v1': {
    ...envelope,
    'metadata.eventTime': excluded("the fetch's time, equal to fetchedAt (fetched_at)"),
    'metadata.correlationId': excluded(
      "the fetch's chain id: fetch_event_id leads to the fetch row that has it; not repeated on the largest table",
    ),
    'metadata.causationId': excluded(
      'the fetch (or catalog) event it derives from, equal to fetchEventId (fetch_event_id)',
    ),
    fingerprint: column('fingerprint'),
    fingerprintPolicy: column('fingerprint_policy'),
    sourceId: column('source_id'),
    presence: column('presence'),
    protocol: column('protocol'),
    server: column('server'),
    port: column('port'),
    config: excluded(
      'the config JSON would repeat with every fetch of every source; config_current_changes keeps it once per change, and the sink does not decode it (sink-event-types.ts)',
    ),
    originLine: column('origin_line'),
    originFrom: column('origin_from'),
    fetchEventId: column('fetch_event_id'),
    fetchedAt: column('fetched_at'),
  },
  'configs.current.v1': {
    ...envelope,
    'metadata.eventTime': column('event_time'),
    'metadata.correlationId': column('correlation_id'),
    'metadata.causationId': column('causation_id'),
    fingerprint: column('fingerprint'),
    fingerprintPolicy: column('fingerprint_policy'),
    protocol: column('protocol'),
    server: column('server'),
    port: column('port'),
    config: column('config'),
    'sources[].sourceId': column('source_ids'),
    'sources[].firstSeen': column('source_first_seen'),
    'sources[].lastSeen': column('source_last_seen'),
    'sources[].name': column('source_names'),
    'sources[].variant': column('source_variants'),
    firstSeen: column('first_seen'),
    lastSeen: column('last_seen'),
  },
  'configs.probed.v1': {
    ...envelope,
    'metadata.eventTime': excluded('the prober sets it to probedAt (probed_at)'),
    'metadata.correlationId': column('correlation_id'),
    'metadata.causationId': column('causation_id'),
    fingerprint: column('fingerprint'),
    stage: column('stage'),
    outcome: column('outcome'),
    latencyMs: column('latency_ms'),
    errorCode: column('error_code'),
    target: column('target'),
    prober: column('prober'),
    probedAt: column('probed_at'),
    vantage: column('vantage'),
    connectMs: column('connect_ms'),
    tlsHandshakeMs: column('tls_handshake_ms'),
    errorDetail: column('error_detail'),
    trafficBytes: column('traffic_bytes'),
  },
  'configs.scored.v1': {
    ...envelope,
    'metadata.eventTime': column('event_time'),
    'metadata.correlationId': column('correlation_id'),
    'metadata.causationId': column('causation_id'),
    fingerprint: column('fingerprint'),
    protocol: column('protocol'),
    server: column('server'),
    port: column('port'),
    config: excluded(
      'the merged config configs.current.v1 carries too; config_current_changes keeps it once per change, a score change does not repeat it, and the sink does not decode it (sink-event-types.ts)',
    ),
    sourceIds: column('source_ids'),
    score: column('score'),
    components: column('components'),
    lastProbeOutcome: column('last_probe_outcome'),
    lastProbeLatencyMs: column('last_probe_latency_ms'),
    lastProbedAt: column('last_probed_at'),
    firstSeen: column('first_seen'),
    lastSeen: column('last_seen'),
    verdict: column('verdict'),
    weights: column('weights'),
    points: column('points'),
    'vantages[].vantage': column('vantage_ids'),
    'vantages[].reachability': column('vantage_reachability'),
    'vantages[].latencyMs': column('vantage_latency_ms'),
    'vantages[].confidence': column('vantage_confidence'),
    'vantages[].probes': column('vantage_probes'),
    'vantages[].lastOutcome': column('vantage_last_outcomes'),
    'vantages[].lastProbedAt': column('vantage_last_probed_at'),
    notes: column('notes'),
    scoreModel: column('score_model'),
    scoredAt: column('scored_at'),
  },
  'sources.health.v1': {
    ...envelope,
    'metadata.eventTime': column('event_time'),
    'metadata.correlationId': column('correlation_id'),
    'metadata.causationId': column('causation_id'),
    sourceId: column('source_id'),
    status: column('status'),
    since: column('since'),
    lastFetchAt: column('last_fetch_at'),
    lastSuccessAt: column('last_success_at'),
    lastOutcome: column('last_outcome'),
    consecutiveFailures: column('consecutive_failures'),
    configs: column('configs'),
    baselineConfigs: column('baseline_configs'),
    activeAnomalies: column('active_anomalies'),
    reliability: column('reliability'),
    reliabilityComponents: column('reliability_components'),
    reliabilityWeights: column('reliability_weights'),
    demoted: column('demoted'),
    demotedSince: column('demoted_since'),
    mirrorOf: column('mirror_of'),
    probedConfigs: column('probed_configs'),
    workingConfigs: column('working_configs'),
    exclusiveConfigs: column('exclusive_configs'),
    lastChangeAt: column('last_change_at'),
  },
  'sources.anomalies.v1': {
    ...envelope,
    'metadata.eventTime': excluded("the triggering snapshot's time, which detectedAt (detected_at) carries"),
    'metadata.correlationId': column('correlation_id'),
    'metadata.causationId': excluded(
      'the snapshot that triggered it, equal to snapshotEventId (snapshot_event_id)',
    ),
    sourceId: column('source_id'),
    kind: column('kind'),
    state: column('state'),
    severity: column('severity'),
    detectedAt: column('detected_at'),
    observed: column('observed'),
    expected: column('expected'),
    message: column('message'),
    snapshotEventId: column('snapshot_event_id'),
    evidence: column('evidence'),
    relatedSourceId: column('related_source_id'),
    openedAt: column('opened_at'),
  },
};

/** Columns a mapping writes that no field names: facts about the record, not its value. */
export const DERIVED_COLUMNS: readonly string[] = [
  /** true on a compacted topic's tombstone row. */
  'deleted',
];

interface FieldSchema {
  readonly name: string;
  readonly type: unknown;
}

/**
 * Every leaf field path of an Avro record schema, in the notation of FIELD_COLUMNS: records
 * (also inside a nullable union, or as array items) are descended into, named types defined
 * earlier in the schema are resolved, anything else (primitives, maps, arrays of primitives,
 * enums) is a leaf.
 */
export function schemaFieldPaths(schema: unknown): string[] {
  const named = new Map<string, unknown>();
  const paths: string[] = [];
  const recordOf = (type: unknown): { readonly fields: readonly FieldSchema[] } | null => {
    if (typeof type === 'string') return recordOf(named.get(type) ?? null);
    if (Array.isArray(type)) {
      const branches: unknown[] = type.filter((t) => t !== 'null');
      return branches.length === 1 ? recordOf(branches[0]) : null;
    }
    if (typeof type !== 'object' || type === null) return null;
    const t = type as { type?: unknown; name?: unknown; namespace?: unknown; fields?: unknown };
    if (t.type === 'record' && Array.isArray(t.fields)) {
      if (typeof t.name === 'string') {
        named.set(t.name, type);
        if (typeof t.namespace === 'string') named.set(`${t.namespace}.${t.name}`, type);
      }
      return { fields: t.fields as FieldSchema[] };
    }
    return null;
  };
  const itemsOf = (type: unknown): unknown => {
    const branches: unknown[] = Array.isArray(type) ? type.filter((t) => t !== 'null') : [type];
    const only = branches[0];
    if (branches.length !== 1 || typeof only !== 'object' || only === null) return null;
    const t = only as { type?: unknown; items?: unknown };
    return t.type === 'array' ? t.items : null;
  };
  const walk = (fields: readonly FieldSchema[], prefix: string): void => {
    for (const field of fields) {
      const path = `${prefix}${field.name}`;
      const record = recordOf(field.type);
      const itemRecord = record === null ? recordOf(itemsOf(field.type)) : null;
      if (record !== null) walk(record.fields, `${path}.`);
      else if (itemRecord !== null) walk(itemRecord.fields, `${path}[].`);
      else paths.push(path);
    }
  };
  const root = recordOf(schema);
  if (root === null) throw new TypeError('not an Avro record schema');
  walk(root.fields, '');
  return paths;
}
