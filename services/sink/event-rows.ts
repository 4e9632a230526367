import type {
  ConfigCurrent,
  ConfigObserved,
  ConfigProbed,
  ConfigScored,
  EventMetadata,
  SourceAnomaly,
  SourceFetched,
  SourceHealth,
  SourceSnapshot,
} from '../generated/events.ts';
import { nameBasedUuid } from '../shared/events/event-metadata.ts';

/**
 * Pure mapping of one event into one row of its ClickHouse table (column names as in
 * infra/clickhouse). Nothing here touches the network: the sink feeds the rows to inserts.
 *
 * Rows carry DateTime64 values as `YYYY-MM-DD hh:mm:ss.sss` UTC text, optional numbers as null
 * (Nullable columns) and optional strings as '' (plain String columns: ClickHouse stores an
 * empty string for free, a Nullable costs a null map).
 */
export type RowValue =
  | string
  | number
  | boolean
  | null
  | readonly string[]
  | readonly (number | null)[]
  | readonly (string | null)[]
  | Readonly<Record<string, number>>
  | Readonly<Record<string, string>>;
export type Row = Record<string, RowValue>;

/** Where a record came from: tombstones have no event id, so theirs is derived from this. */
export interface RecordPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Epoch ms the record was appended: the time of a tombstone. */
  readonly timestamp: number;
  readonly key: string | null;
}

export type RowResult =
  | { readonly kind: 'row'; readonly row: Row }
  | { readonly kind: 'drop'; readonly reason: string }
  | { readonly kind: 'reject'; readonly code: string; readonly message: string };

export const SINK_REJECT_CODES = {
  /** The value is not the record the topic's schema describes (a bug upstream, or a wrong topic). */
  invalidEvent: 'SINK_INVALID_EVENT',
  /** metadata.eventId is not a UUID: the tables key on it as UUID. */
  invalidEventId: 'SINK_INVALID_EVENT_ID',
  /** A tombstone without a key on a compacted topic: nothing to delete. */
  tombstoneWithoutKey: 'SINK_TOMBSTONE_WITHOUT_KEY',
  /** ClickHouse refused the row itself (a value it cannot parse); found by bisecting a failed insert. */
  rowRefused: 'SINK_ROW_REFUSED',
} as const;

export const SINK_DROP_REASONS = {
  /** A null value on a topic that is not compacted means nothing. */
  tombstoneOnEventTopic: 'tombstone-on-event-topic',
} as const;

/** 8-4-4-4-12 hex digits: what a UUID column parses. A hand loop: this runs for every row. */
export function isUuid(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 36) return false;
  for (let i = 0; i < 36; i += 1) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) {
      return false;
    }
  }
  return true;
}

/**
 * Epoch ms → DateTime64(3) text. Memoised on the last input: the rows of one fetch share their
 * times, and formatting is a measurable part of the sink's per-row cost.
 */
export function createTimeFormatter(): (epochMs: number) => string {
  let lastMs = Number.NaN;
  let lastText = '';
  return (epochMs) => {
    if (epochMs !== lastMs) {
      const iso = new Date(epochMs).toISOString();
      lastText = `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
      lastMs = epochMs;
    }
    return lastText;
  };
}

type Time = (epochMs: number) => string;

const text = (value: string | null | undefined): string => value ?? '';
const nullableTime = (time: Time, value: number | null): string | null =>
  value === null ? null : time(value);

function metadataOf(value: unknown): EventMetadata | null {
  if (typeof value !== 'object' || value === null) return null;
  const metadata = (value as { metadata?: unknown }).metadata;
  return typeof metadata === 'object' && metadata !== null ? (metadata as EventMetadata) : null;
}

/** Validates the envelope, then maps; any throw from a malformed value becomes a reject, never a crash. */
function guarded<V>(value: V | null, map: (value: V, metadata: EventMetadata) => Row): RowResult {
  const metadata = metadataOf(value);
  if (value === null || metadata === null) {
    return { kind: 'reject', code: SINK_REJECT_CODES.invalidEvent, message: 'value has no metadata record' };
  }
  if (!isUuid(metadata.eventId)) {
    return {
      kind: 'reject',
      code: SINK_REJECT_CODES.invalidEventId,
      message: `metadata.eventId ${JSON.stringify(String(metadata.eventId).slice(0, 80))} is not a UUID`,
    };
  }
  try {
    return { kind: 'row', row: map(value, metadata) };
  } catch (error) {
    return {
      kind: 'reject',
      code: SINK_REJECT_CODES.invalidEvent,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

/** A compacted topic's tombstone: a row saying the key was deleted, with an id stable across redelivery. */
function tombstone(position: RecordPosition, keyColumn: string, time: Time, timeColumn: string): RowResult {
  if (position.key === null) {
    return {
      kind: 'reject',
      code: SINK_REJECT_CODES.tombstoneWithoutKey,
      message: 'tombstone without a key',
    };
  }
  return {
    kind: 'row',
    row: {
      event_id: nameBasedUuid(
        `tombstone\u0000${position.topic}\u0000${position.partition}\u0000${position.offset}`,
      ),
      [timeColumn]: time(position.timestamp),
      [keyColumn]: position.key,
      deleted: true,
    },
  };
}

const dropTombstone: RowResult = { kind: 'drop', reason: SINK_DROP_REASONS.tombstoneOnEventTopic };

export function fetchEventRow(value: SourceFetched | null, _position: RecordPosition, time: Time): RowResult {
  if (value === null) return dropTombstone;
  return guarded(value, (v, m) => ({
    event_id: m.eventId,
    fetched_at: time(m.eventTime),
    source_id: v.sourceId,
    producer: m.producer,
    correlation_id: m.correlationId,
    url: v.url,
    url_index: v.urlIndex,
    final_url: text(v.finalUrl),
    redirects: v.redirects,
    attempt: v.attempt,
    remote_address: text(v.remoteAddress),
    outcome: v.outcome,
    http_status: v.httpStatus ?? 0,
    error_code: text(v.errorCode),
    error_message: text(v.errorMessage),
    dns_ms: v.timings.dnsMs,
    connect_ms: v.timings.connectMs,
    ttfb_ms: v.timings.ttfbMs,
    total_ms: v.timings.totalMs,
    wire_bytes: v.sizes.wireBytes,
    decoded_bytes: v.sizes.decodedBytes,
    truncated: v.sizes.truncated,
    etag: text(v.headers.etag),
    last_modified: text(v.headers.lastModified),
    content_type: text(v.headers.contentType),
    content_encoding: text(v.headers.contentEncoding),
    content_length: v.headers.contentLength,
    subscription_userinfo: text(v.headers.subscriptionUserinfo),
    profile_update_interval: text(v.headers.profileUpdateInterval),
    profile_title: text(v.headers.profileTitle),
    retry_after: text(v.headers.retryAfter),
    request_etag: text(v.requestEtag),
    request_last_modified: text(v.requestLastModified),
    // The body stays on the raw topic; its hash says which body it was.
    body_sha256: text(v.body?.sha256),
    body_compression: text(v.body?.compression),
  }));
}

export function snapshotRow(value: SourceSnapshot | null, _position: RecordPosition, time: Time): RowResult {
  if (value === null) return dropTombstone;
  return guarded(value, (v, m) => ({
    event_id: m.eventId,
    fetched_at: time(v.fetchedAt),
    source_id: v.sourceId,
    producer: m.producer,
    correlation_id: m.correlationId,
    fetch_event_id: v.fetchEventId,
    outcome: v.outcome,
    http_status: v.httpStatus ?? 0,
    container: text(v.container),
    bytes: v.bytes,
    body_sha256: text(v.bodySha256),
    unchanged: v.unchanged,
    configs: v.configs,
    unique_configs: v.uniqueConfigs,
    duplicates: v.duplicates,
    added: v.added,
    removed: v.removed,
    protocols: v.protocols,
    diagnostics: v.diagnostics,
    retained: v.retained,
  }));
}

export function observationRow(
  value: ConfigObserved | null,
  _position: RecordPosition,
  time: Time,
): RowResult {
  if (value === null) return dropTombstone;
  return guarded(value, (v, m) => ({
    event_id: m.eventId,
    fetched_at: time(v.fetchedAt),
    fingerprint: v.fingerprint,
    source_id: v.sourceId,
    presence: v.presence,
    fingerprint_policy: v.fingerprintPolicy,
    protocol: v.protocol,
    server: v.server,
    port: v.port,
    origin_line: v.originLine ?? 0,
    origin_from: text(v.originFrom),
    fetch_event_id: v.fetchEventId,
    producer: m.producer,
  }));
}

export function currentChangeRow(
  value: ConfigCurrent | null,
  position: RecordPosition,
  time: Time,
): RowResult {
  if (value === null) return tombstone(position, 'fingerprint', time, 'event_time');
  return guarded(value, (v, m) => ({
    event_id: m.eventId,
    event_time: time(m.eventTime),
    fingerprint: v.fingerprint,
    deleted: false,
    fingerprint_policy: v.fingerprintPolicy,
    protocol: v.protocol,
    server: v.server,
    port: v.port,
    config: v.config,
    // One sighting per source as parallel arrays (ClickHouse's Nested layout): index i of each
    // array describes source_ids[i].
    source_ids: v.sources.map((s) => s.sourceId),
    source_first_seen: v.sources.map((s) => time(s.firstSeen)),
    source_last_seen: v.sources.map((s) => time(s.lastSeen)),
    source_names: v.sources.map((s) => s.name),
    // '' when the source published the merged config itself (the common case).
    source_variants: v.sources.map((s) => text(s.variant)),
    first_seen: time(v.firstSeen),
    last_seen: time(v.lastSeen),
    producer: m.producer,
    correlation_id: m.correlationId,
    causation_id: text(m.causationId),
  }));
}

export function probeRow(value: ConfigProbed | null, _position: RecordPosition, time: Time): RowResult {
  if (value === null) return dropTombstone;
  return guarded(value, (v, m) => ({
    event_id: m.eventId,
    probed_at: time(v.probedAt),
    fingerprint: v.fingerprint,
    stage: v.stage,
    outcome: v.outcome,
    latency_ms: v.latencyMs,
    error_code: text(v.errorCode),
    target: text(v.target),
    prober: v.prober,
    producer: m.producer,
    vantage: v.vantage,
    connect_ms: v.connectMs,
    tls_handshake_ms: v.tlsHandshakeMs,
    error_detail: text(v.errorDetail),
    traffic_bytes: v.trafficBytes,
    correlation_id: m.correlationId,
    causation_id: text(m.causationId),
  }));
}

export function scoreRow(value: ConfigScored | null, position: RecordPosition, time: Time): RowResult {
  if (value === null) return tombstone(position, 'fingerprint', time, 'event_time');
  return guarded(value, (v, m) => ({
    event_id: m.eventId,
    event_time: time(m.eventTime),
    fingerprint: v.fingerprint,
    deleted: false,
    protocol: v.protocol,
    server: v.server,
    port: v.port,
    score: v.score,
    components: v.components,
    source_ids: v.sourceIds,
    last_probe_outcome: text(v.lastProbeOutcome),
    last_probe_latency_ms: v.lastProbeLatencyMs,
    last_probed_at: nullableTime(time, v.lastProbedAt),
    first_seen: time(v.firstSeen),
    last_seen: time(v.lastSeen),
    producer: m.producer,
    // The score's scale is the producer's (see scoreModel); stored as sent, never rescaled here.
    verdict: v.verdict,
    weights: v.weights,
    points: v.points,
    // Per-vantage evidence as parallel arrays: index i of each describes vantage_ids[i].
    vantage_ids: v.vantages.map((x) => x.vantage),
    vantage_reachability: v.vantages.map((x) => x.reachability),
    vantage_latency_ms: v.vantages.map((x) => x.latencyMs),
    vantage_confidence: v.vantages.map((x) => x.confidence),
    vantage_probes: v.vantages.map((x) => x.probes),
    vantage_last_outcomes: v.vantages.map((x) => text(x.lastOutcome)),
    vantage_last_probed_at: v.vantages.map((x) => nullableTime(time, x.lastProbedAt)),
    notes: v.notes,
    score_model: v.scoreModel,
    scored_at: nullableTime(time, v.scoredAt),
    correlation_id: m.correlationId,
    causation_id: text(m.causationId),
  }));
}

export function healthRow(value: SourceHealth | null, position: RecordPosition, time: Time): RowResult {
  if (value === null) return tombstone(position, 'source_id', time, 'event_time');
  return guarded(value, (v, m) => ({
    event_id: m.eventId,
    event_time: time(m.eventTime),
    source_id: v.sourceId,
    deleted: false,
    status: v.status,
    since: time(v.since),
    last_fetch_at: nullableTime(time, v.lastFetchAt),
    last_success_at: nullableTime(time, v.lastSuccessAt),
    last_outcome: text(v.lastOutcome),
    consecutive_failures: v.consecutiveFailures,
    configs: v.configs,
    baseline_configs: v.baselineConfigs,
    active_anomalies: v.activeAnomalies,
    producer: m.producer,
    reliability: v.reliability,
    reliability_components: v.reliabilityComponents,
    reliability_weights: v.reliabilityWeights,
    demoted: v.demoted,
    demoted_since: nullableTime(time, v.demotedSince),
    mirror_of: text(v.mirrorOf),
    probed_configs: v.probedConfigs,
    working_configs: v.workingConfigs,
    exclusive_configs: v.exclusiveConfigs,
    last_change_at: nullableTime(time, v.lastChangeAt),
    correlation_id: m.correlationId,
    causation_id: text(m.causationId),
  }));
}

export function anomalyRow(value: SourceAnomaly | null, _position: RecordPosition, time: Time): RowResult {
  if (value === null) return dropTombstone;
  return guarded(value, (v, m) => ({
    event_id: m.eventId,
    detected_at: time(v.detectedAt),
    source_id: v.sourceId,
    kind: v.kind,
    state: v.state,
    severity: v.severity,
    observed: v.observed,
    expected: v.expected,
    message: v.message,
    snapshot_event_id: text(v.snapshotEventId),
    producer: m.producer,
    evidence: v.evidence,
    related_source_id: text(v.relatedSourceId),
    opened_at: nullableTime(time, v.openedAt),
    correlation_id: m.correlationId,
  }));
}
