import type {
  ConfigObserved,
  EventMetadata,
  SourceCatalogEntry,
  SourceFetched,
  SourceSnapshot,
} from '../../generated/events.ts';
import { derivedMetadata, nameBasedUuid } from '../../shared/events/event-metadata.ts';
import { FETCH_OUTCOMES } from '../../shared/events/fetch-outcome.ts';
import { PRESENCES } from '../../shared/events/presence.ts';
import type { Presence } from '../../shared/events/presence.ts';
import { DEFAULT_FINGERPRINT_POLICY } from '../identity/fingerprint-policy.ts';
import type { FingerprintPolicy } from '../identity/fingerprint-policy.ts';
import { dlq, drop, ok } from '../processing/outcome.ts';
import type { StateChange } from '../processing/outcome.ts';
import type { ProcessContext, Processor } from '../processing/processor.ts';
import type { InputRecord, OutputRecord } from '../processing/record.ts';
import { configJson } from './config-json.ts';
import { decodeFetchedBody } from './fetched-body.ts';
import { isCatalogEntry } from './catalog-event.ts';
import { isSourceFetched } from './fetched-event.ts';
import { isUsable, parseBody } from './parse-body.ts';
import type { DistinctConfig, ParsedBody } from './parse-body.ts';
import { readCarried, readSourceState, WITHDRAWAL_REASONS, writeSourceState } from './parser-state.ts';
import type {
  CarriedConfig,
  ParseStats,
  SourceState,
  StoredValue,
  WithdrawalReason,
} from './parser-state.ts';
import { PARSER_STORE, PROCESSOR_KINDS, processorName } from './pipeline-topics.ts';
import type { PipelineTopics } from './pipeline-topics.ts';

export const PARSER_DLQ_CODES = {
  invalidEvent: 'INVALID_FETCH_EVENT',
  keyMismatch: 'KEY_MISMATCH',
  invalidCatalogEvent: 'INVALID_CATALOG_EVENT',
} as const;

export const PARSER_DROP_REASONS = {
  tombstone: 'tombstone',
  /** A fetch of a source the catalog has disabled or removed (in flight, or replayed from before). */
  withdrawn: 'source-withdrawn',
} as const;

/** Producer named in the metadata derived for a catalog tombstone, which carries none of its own. */
export const CATALOG_TOMBSTONE_PRODUCER = 'catalog';

/** Producer of derived events: a constant, so event ids do not depend on which instance or generation ran. */
export const PARSER_PRODUCER = 'parser';

/** A source failing for a day has most likely gone for good; its configs stop counting. */
export const DEFAULT_EXPIRE_AFTER_MS = 24 * 60 * 60 * 1000;
/** Matches the parse core's own cap; the fetcher's caps are lower. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface ParserOptions {
  readonly topics: Pick<
    PipelineTopics,
    'prefix' | 'version' | 'catalog' | 'fetched' | 'observed' | 'snapshots'
  >;
  readonly policy?: FingerprintPolicy;
  /** A source's configs expire when no fetch has produced or confirmed them for this long. */
  readonly expireAfterMs?: number;
  readonly allowPrivateAddresses?: boolean;
  readonly maxBodyBytes?: number;
}

/** What the parser reads: raw fetch events and catalog entries. */
export type ParserInput = SourceFetched | SourceCatalogEntry;

/**
 * sources.fetched.v1 -> configs.observed.v1 + sources.snapshots.v1.
 *
 * State per source is its last snapshot: the fingerprints its latest usable body carried. A new
 * usable body yields `present` for each distinct config in it and `absent` for each one that
 * disappeared; an unchanged body (same SHA-256, or a 304) only confirms the set; a failed, empty,
 * HTML or unreadable fetch keeps the set, until nothing has confirmed it for `expireAfterMs` —
 * then every config is `expired`. All times come from the fetch events, never the wall clock,
 * and event ids derive from the fetch event's id, so a replay reproduces every output exactly.
 *
 * sources.catalog.v1 (compacted, key = source id, co-partitioned with the raw topic) is read too:
 * when the catalog disables or removes a source, the fetchers stop fetching it, so the parser
 * withdraws its set (`absent` for every config) and ignores its fetch events until the catalog
 * enables it again; the next fetch then adds the set back. Whatever order a replay interleaves
 * the two topics in, the result is the same: a withdrawn source ends with no configs. No snapshot
 * is published for a withdrawal: a snapshot describes one fetch (its outcome and fetch event id),
 * and the anomaly detector would read a non-fetch outcome as a failing source.
 */
export function createParser(options: ParserOptions): Processor<ParserInput> {
  const {
    topics,
    policy = DEFAULT_FINGERPRINT_POLICY,
    expireAfterMs = DEFAULT_EXPIRE_AFTER_MS,
    allowPrivateAddresses = false,
    maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
  } = options;
  const name = processorName(PROCESSOR_KINDS.parser, topics);

  /** A config the source no longer carries (absent or expired): its columns, no config body. */
  const notCarried = (
    cause: EventMetadata,
    sourceId: string,
    presence: Presence,
    [fp, protocol, server, port]: CarriedConfig,
    at: number = cause.eventTime,
  ): OutputRecord<ConfigObserved> => ({
    topic: topics.observed,
    key: fp,
    value: {
      metadata: derivedMetadata(cause, {
        producer: PARSER_PRODUCER,
        discriminator: `${presence}:${fp}`,
        eventTime: at,
      }),
      fingerprint: fp,
      fingerprintPolicy: policy,
      sourceId,
      presence,
      protocol,
      server,
      port,
      config: null,
      originLine: null,
      originFrom: null,
      fetchEventId: cause.eventId,
      fetchedAt: at,
    },
  });

  /**
   * A config the body carries, with its canonical JSON. Built in one literal, nothing
   * intermediate: the parser builds one per config line.
   */
  const present = (event: SourceFetched, d: DistinctConfig): OutputRecord<ConfigObserved> => {
    const { config, origin } = d.parsed;
    const cause = event.metadata;
    return {
      topic: topics.observed,
      key: d.fingerprint,
      value: {
        metadata: derivedMetadata(cause, {
          producer: PARSER_PRODUCER,
          discriminator: `${PRESENCES.present}:${d.fingerprint}`,
        }),
        fingerprint: d.fingerprint,
        fingerprintPolicy: policy,
        sourceId: event.sourceId,
        presence: PRESENCES.present,
        protocol: config.protocol,
        server: config.server,
        port: config.port,
        config: configJson(config),
        originLine: origin.line,
        originFrom: origin.from,
        fetchEventId: cause.eventId,
        fetchedAt: cause.eventTime,
      },
    };
  };

  const gone = (event: SourceFetched, presence: Presence, carried: readonly CarriedConfig[]) =>
    carried.map((c) => notCarried(event.metadata, event.sourceId, presence, c));

  const snapshot = (
    event: SourceFetched,
    fields: Partial<
      Omit<SourceSnapshot, 'metadata' | 'sourceId' | 'fetchEventId' | 'fetchedAt' | 'outcome' | 'httpStatus'>
    >,
  ): OutputRecord<SourceSnapshot> => ({
    topic: topics.snapshots,
    key: event.sourceId,
    value: {
      metadata: derivedMetadata(event.metadata, { producer: PARSER_PRODUCER, discriminator: 'snapshot' }),
      sourceId: event.sourceId,
      fetchEventId: event.metadata.eventId,
      fetchedAt: event.metadata.eventTime,
      outcome: event.outcome,
      httpStatus: event.httpStatus,
      container: null,
      bytes: 0,
      bodySha256: null,
      unchanged: false,
      configs: 0,
      uniqueConfigs: 0,
      duplicates: 0,
      added: 0,
      removed: 0,
      protocols: {},
      diagnostics: {},
      retained: false,
      ...fields,
    },
  });

  const statsFields = (stats: ParseStats) => ({
    container: stats.container,
    bytes: stats.bytes,
    configs: stats.configs,
    uniqueConfigs: stats.uniqueConfigs,
    duplicates: stats.configs - stats.uniqueConfigs,
    protocols: stats.protocols,
    diagnostics: stats.diagnostics,
  });

  /** A new usable body: present for everything in it, absent for what it no longer carries. */
  const replaceSet = (
    event: SourceFetched,
    sha: string,
    parsed: ParsedBody,
    previous: SourceState | undefined,
    context: ProcessContext,
  ) => {
    const store = context.store<StoredValue>(PARSER_STORE);
    const { distinct } = parsed;
    const outputs: OutputRecord[] = [];
    const carried: CarriedConfig[] = [];
    for (const d of distinct) {
      const config = d.parsed.config;
      carried.push([d.fingerprint, config.protocol, config.server, config.port]);
      outputs.push(present(event, d));
    }
    // A first fetch (every source in a replay) has nothing to compare with: no sets to build.
    let added = distinct.length;
    let removed: readonly CarriedConfig[] = [];
    if (previous !== undefined && previous.count > 0) {
      const before = readCarried(store, event.sourceId, previous);
      const now = new Set<string>();
      for (const d of distinct) now.add(d.fingerprint);
      removed = before.filter(([fp]) => !now.has(fp));
      // Every fingerprint carried before is either still here or removed.
      added -= before.length - removed.length;
      for (const output of gone(event, PRESENCES.absent, removed)) outputs.push(output);
    }
    outputs.push(
      snapshot(event, { ...statsFields(parsed.stats), bodySha256: sha, added, removed: removed.length }),
    );
    const changes = writeSourceState(
      PARSER_STORE,
      event.sourceId,
      previous,
      { bodySha256: sha, confirmedAt: event.metadata.eventTime, stats: parsed.stats },
      carried,
    );
    return ok(outputs, changes);
  };

  /** The body is the one the set came from (or the server said 304): the set is confirmed as is. */
  const confirmSet = (event: SourceFetched, previous: SourceState) => {
    const changes = writeSourceState(PARSER_STORE, event.sourceId, previous, {
      bodySha256: previous.bodySha256,
      confirmedAt: event.metadata.eventTime,
      stats: previous.stats,
    });
    const fields = previous.stats === null ? {} : statsFields(previous.stats);
    return ok([snapshot(event, { ...fields, bodySha256: previous.bodySha256, unchanged: true })], changes);
  };

  /**
   * Nothing usable arrived: the set stays (a failed fetch never wipes a source) unless it has gone
   * unconfirmed for the expiry time, then every config of it expires.
   */
  const keepOrExpire = (
    event: SourceFetched,
    previous: SourceState | undefined,
    seen: Partial<Parameters<typeof snapshot>[1]>,
    context: ProcessContext,
  ) => {
    if (previous === undefined || previous.count === 0) return ok([snapshot(event, seen)]);
    if (event.metadata.eventTime - previous.confirmedAt < expireAfterMs) {
      return ok([snapshot(event, { ...seen, retained: true })]);
    }
    const carried = readCarried(context.store<StoredValue>(PARSER_STORE), event.sourceId, previous);
    const changes: StateChange[] = writeSourceState(
      PARSER_STORE,
      event.sourceId,
      previous,
      { bodySha256: null, confirmedAt: previous.confirmedAt, stats: null },
      [],
    );
    return ok(
      [...gone(event, PRESENCES.expired, carried), snapshot(event, { ...seen, removed: carried.length })],
      changes,
    );
  };

  /**
   * The catalog took the source out of service: every config it carried becomes absent, and its
   * state shrinks to the withdrawal marker that makes later fetch events of it be ignored.
   */
  const withdraw = (
    sourceId: string,
    reason: WithdrawalReason,
    cause: EventMetadata,
    previous: SourceState | undefined,
    context: ProcessContext,
  ) => {
    if (previous?.withdrawn?.reason === reason) return ok([]);
    const carried =
      previous === undefined ? [] : readCarried(context.store<StoredValue>(PARSER_STORE), sourceId, previous);
    // Never before the fetch that last confirmed the set: the merger ignores an absence older
    // than the sighting it removes (the catalog loader's clock may trail the fetcher's).
    const at = Math.max(cause.eventTime, previous?.confirmedAt ?? cause.eventTime);
    const changes = writeSourceState(
      PARSER_STORE,
      sourceId,
      previous,
      {
        bodySha256: null,
        confirmedAt: previous?.confirmedAt ?? at,
        stats: null,
        withdrawn: { reason, at: cause.eventTime, eventId: cause.eventId },
      },
      [],
    );
    return ok(
      carried.map((c) => notCarried(cause, sourceId, PRESENCES.absent, c, at)),
      changes,
    );
  };

  const onCatalog = (record: InputRecord<ParserInput>, context: ProcessContext) => {
    const sourceId = record.key;
    if (sourceId === null) return dlq(PARSER_DLQ_CODES.invalidCatalogEvent, 'catalog record without a key');
    const previous = readSourceState(context.store<StoredValue>(PARSER_STORE), sourceId);
    const entry = record.value;
    if (entry === null) {
      // A tombstone has no metadata: derive an id from what the log keeps, so a replay reproduces it.
      const eventId = nameBasedUuid(
        `${CATALOG_TOMBSTONE_PRODUCER}\u0000${sourceId}\u0000${record.timestamp}`,
      );
      const cause: EventMetadata = {
        eventId,
        eventTime: record.timestamp,
        producer: CATALOG_TOMBSTONE_PRODUCER,
        correlationId: eventId,
        causationId: null,
      };
      return withdraw(sourceId, WITHDRAWAL_REASONS.removed, cause, previous, context);
    }
    if (!isCatalogEntry(entry))
      return dlq(PARSER_DLQ_CODES.invalidCatalogEvent, 'value is not a sources.catalog.v1 event');
    if (entry.id !== sourceId)
      return dlq(
        PARSER_DLQ_CODES.keyMismatch,
        `key ${sourceId} is not the catalog entry's source ${entry.id}`,
      );
    if (!entry.enabled)
      return withdraw(sourceId, WITHDRAWAL_REASONS.disabled, entry.metadata, previous, context);
    // Enabled (again, or edited): only a withdrawal marker to lift; the next fetch brings the set.
    if (previous?.withdrawn === undefined) return ok([]);
    return ok([], [{ store: PARSER_STORE, key: sourceId, value: null }]);
  };

  return {
    name,
    inputTopics: [topics.fetched, topics.catalog],
    outputTopics: [topics.observed, topics.snapshots],
    stores: [PARSER_STORE],
    process(record: InputRecord<ParserInput>, context: ProcessContext) {
      if (record.topic === topics.catalog) return onCatalog(record, context);
      const event = record.value;
      if (event === null) return drop(PARSER_DROP_REASONS.tombstone);
      if (!isSourceFetched(event))
        return dlq(PARSER_DLQ_CODES.invalidEvent, 'value is not a sources.fetched.v1 event');
      if (record.key !== event.sourceId) {
        return dlq(
          PARSER_DLQ_CODES.keyMismatch,
          `key ${String(record.key)} is not the event's source ${event.sourceId}`,
        );
      }
      const previous = readSourceState(context.store<StoredValue>(PARSER_STORE), event.sourceId);
      if (previous?.withdrawn !== undefined) return drop(PARSER_DROP_REASONS.withdrawn);

      if (event.outcome === FETCH_OUTCOMES.notModified && previous !== undefined && previous.count > 0) {
        return confirmSet(event, previous);
      }
      const body = event.outcome === FETCH_OUTCOMES.ok ? event.body : null;
      if (body === null) return keepOrExpire(event, previous, {}, context);
      if (
        previous !== undefined &&
        previous.count > 0 &&
        previous.bodySha256 === body.sha256 &&
        !event.sizes.truncated
      ) {
        return confirmSet(event, previous);
      }
      const decoded = decodeFetchedBody(body, maxBodyBytes);
      if (!decoded.ok) return dlq(decoded.code, decoded.message);
      const parsed = parseBody(decoded.bytes, { policy, allowPrivateAddresses, maxBytes: maxBodyBytes });
      // A body cut at a size cap is missing its tail: what it lacks says nothing about absence.
      if (isUsable(parsed) && !event.sizes.truncated)
        return replaceSet(event, body.sha256, parsed, previous, context);
      return keepOrExpire(
        event,
        previous,
        { ...statsFields(parsed.stats), bodySha256: body.sha256 },
        context,
      );
    },
  };
}
