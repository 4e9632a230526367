import type { ClickHouseClient } from '@clickhouse/client';
import type { GroupOffset, PersistedCommit, PersistedRecord } from '../bus/in-process-event-log.ts';
import type { LogTopic, TopicPartitionOffset } from '../runtime/event-log.ts';
import { CREATE_EMBEDDED_LOG, EMBEDDED_LOG_TABLE, NEVER_EXPIRES_MS, ROW_KINDS } from './store-schema.ts';
import type { RowKind } from './store-schema.ts';
import { decodeStoredValue, encodeStoredValue } from './stored-value.ts';

export interface LogStoreOptions {
  /** How long records of a non-compacted topic are kept (the catalogue's retention.ms); undefined keeps them. */
  readonly retentionMs?: (topic: string) => number | undefined;
  /** Bytes of values one read brings into memory at most (a page of a restore). */
  readonly pageBytes?: number;
}

/** Which records of one partition a restore reads. */
export interface RecordQuery {
  readonly topic: string;
  readonly partition: number;
  /** Only records at or after this offset (non-compacted topics). */
  readonly fromOffset?: number;
  /** Only the newest record of each key (the latest fetch statistics of each source). */
  readonly latestPerKey?: boolean;
}

/**
 * The embedded store of the in-process log in chDB (store-schema.ts): writes each commit of the
 * bus as one INSERT, and reads back what a restart needs. Only this process may have the data
 * directory open, so the commit sequence is simply continued from the highest stored one.
 */
export interface LogStore {
  /** Creates the table if missing and continues the commit sequence. */
  open(): Promise<void>;
  /** True when nothing was ever stored: a first start. */
  isEmpty(): boolean;
  saveTopics(topics: readonly LogTopic[]): Promise<void>;
  /** One commit of the bus, stored whole or not at all. `compacted` tells how each topic keeps its records. */
  saveCommit(commit: PersistedCommit, compacted: (topic: string) => boolean): Promise<void>;
  topics(): Promise<LogTopic[]>;
  endOffsets(): Promise<TopicPartitionOffset[]>;
  groupOffsets(): Promise<GroupOffset[]>;
  /** The stored records of one partition in offset order, a page (bounded in bytes) at a time. */
  records(query: RecordQuery): AsyncIterable<readonly PersistedRecord[]>;
}

interface Row {
  readonly topic: string;
  readonly partition: number;
  readonly kind: RowKind;
  readonly slot_key: string;
  readonly slot_offset: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string;
  readonly tombstone: boolean;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly seq: number;
  readonly expires_ms: number;
}

interface RecordRow {
  readonly offset: string;
  readonly key: string | null;
  readonly value: string;
  readonly tombstone: boolean;
  readonly timestamp: string;
  readonly headers: Record<string, string>;
}

interface SlotRow {
  readonly slot_key: string;
  readonly slot_offset: string;
  readonly bytes: string;
}

const DEFAULT_PAGE_BYTES = 32 * 1024 * 1024;

export function createLogStore(
  client: ClickHouseClient,
  { retentionMs = () => undefined, pageBytes = DEFAULT_PAGE_BYTES }: LogStoreOptions = {},
): LogStore {
  let seq = 0;
  let empty = true;

  const select = async <T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> => {
    const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
    return rs.json<T>();
  };

  const insert = async (rows: readonly Row[]): Promise<void> => {
    if (rows.length === 0) return;
    await client.insert({ table: EMBEDDED_LOG_TABLE, values: rows, format: 'JSONEachRow' });
    empty = false;
  };

  const recordRow = (r: PersistedRecord, isCompacted: boolean, at: number): Row => {
    const keyed = isCompacted && r.key !== null;
    const retention = isCompacted || r.value === null ? undefined : retentionMs(r.topic);
    return {
      topic: r.topic,
      partition: r.partition,
      kind: ROW_KINDS.record,
      slot_key: keyed ? (r.key ?? '') : '',
      slot_offset: keyed ? 0 : Number(r.offset),
      offset: Number(r.offset),
      key: r.key,
      value: r.value === null ? '' : encodeStoredValue(r.value),
      tombstone: r.value === null,
      timestamp: r.timestamp,
      headers: r.headers,
      seq: at,
      expires_ms: retention === undefined ? NEVER_EXPIRES_MS : r.timestamp + retention,
    };
  };

  const markerRow = (
    kind: RowKind,
    topic: string,
    partition: number,
    slotKey: string,
    offset: number,
    at: number,
    value = '',
  ): Row => ({
    topic,
    partition,
    kind,
    slot_key: slotKey,
    slot_offset: 0,
    offset,
    key: null,
    value,
    tombstone: false,
    timestamp: 0,
    headers: {},
    seq: at,
    expires_ms: NEVER_EXPIRES_MS,
  });

  return {
    async open() {
      await client.command({ query: CREATE_EMBEDDED_LOG });
      const [row] = await select<{ seq: string; rows: string }>(
        `SELECT max(seq) AS seq, count() AS rows FROM ${EMBEDDED_LOG_TABLE}`,
      );
      seq = Number(row?.seq ?? 0);
      empty = Number(row?.rows ?? 0) === 0;
    },

    isEmpty: () => empty,

    async saveTopics(topics) {
      seq += 1;
      const at = seq;
      await insert(
        topics.map((t) =>
          markerRow(
            ROW_KINDS.topic,
            t.name,
            0,
            '',
            0,
            at,
            JSON.stringify({ partitions: t.partitions, compacted: t.compacted }),
          ),
        ),
      );
    },

    async saveCommit(commit, compacted) {
      seq += 1;
      const at = seq;
      const rows: Row[] = [];
      const ends = new Map<string, { topic: string; partition: number; end: number }>();
      for (const r of commit.records) {
        rows.push(recordRow(r, compacted(r.topic), at));
        const slot = `${r.topic}\u0000${r.partition}`;
        const end = Number(r.offset) + 1;
        if ((ends.get(slot)?.end ?? -1) < end)
          ends.set(slot, { topic: r.topic, partition: r.partition, end });
      }
      for (const e of ends.values()) rows.push(markerRow(ROW_KINDS.end, e.topic, e.partition, '', e.end, at));
      for (const o of commit.offsets) {
        rows.push(markerRow(ROW_KINDS.offset, o.topic, o.partition, o.group, Number(o.offset), at));
      }
      await insert(rows);
    },

    async topics() {
      const rows = await select<{ topic: string; value: string }>(
        `SELECT topic, value FROM ${EMBEDDED_LOG_TABLE} FINAL WHERE kind = 'topic' ORDER BY topic`,
      );
      return rows.map((r) => {
        const shape = JSON.parse(r.value) as { partitions: number; compacted: boolean };
        return { name: r.topic, partitions: shape.partitions, compacted: shape.compacted };
      });
    },

    async endOffsets() {
      const rows = await select<{ topic: string; partition: number; offset: string }>(
        `SELECT topic, partition, offset FROM ${EMBEDDED_LOG_TABLE} FINAL WHERE kind = 'end'`,
      );
      return rows.map((r) => ({ topic: r.topic, partition: Number(r.partition), offset: r.offset }));
    },

    async groupOffsets() {
      const rows = await select<{ topic: string; partition: number; group: string; offset: string }>(
        `SELECT topic, partition, slot_key AS group, offset FROM ${EMBEDDED_LOG_TABLE} FINAL WHERE kind = 'offset'`,
      );
      return rows.map((r) => ({
        group: r.group,
        topic: r.topic,
        partition: Number(r.partition),
        offset: r.offset,
      }));
    },

    async *records({ topic, partition, fromOffset = 0, latestPerKey = false }) {
      const params = { topic, partition, from: fromOffset };
      const where = `topic = {topic:String} AND partition = {partition:UInt16} AND kind = 'record'
        AND offset >= {from:UInt64}`;
      // A light pass first (slots and sizes, no values) to cut the partition into pages that fit
      // the byte budget, whatever the sizes of single records (fetched bodies reach megabytes).
      const slots = await select<SlotRow>(
        latestPerKey
          ? `SELECT slot_key, slot_offset, length(value) AS bytes FROM ${EMBEDDED_LOG_TABLE} FINAL
             WHERE ${where} ORDER BY key, offset DESC LIMIT 1 BY key`
          : `SELECT slot_key, slot_offset, length(value) AS bytes FROM ${EMBEDDED_LOG_TABLE} FINAL
             WHERE ${where} ORDER BY slot_key, slot_offset`,
        params,
      );
      if (latestPerKey) slots.sort(bySlot);
      const pages: { first: SlotRow; last: SlotRow }[] = [];
      let pageStart: SlotRow | undefined;
      let previous: SlotRow | undefined;
      let bytes = 0;
      for (const slot of slots) {
        const size = Number(slot.bytes);
        if (pageStart !== undefined && previous !== undefined && bytes + size > pageBytes) {
          pages.push({ first: pageStart, last: previous });
          pageStart = undefined;
          bytes = 0;
        }
        pageStart ??= slot;
        previous = slot;
        bytes += size;
      }
      if (pageStart !== undefined && previous !== undefined) pages.push({ first: pageStart, last: previous });
      const wanted = latestPerKey ? new Set(slots.map((s) => `${s.slot_key}\u0000${s.slot_offset}`)) : null;

      // Compacted partitions come in key order; the bus needs offset order, so they are sorted once read.
      const held: PersistedRecord[] = [];
      const keyed = slots.some((s) => s.slot_key !== '');
      for (const page of pages) {
        const rows = await select<RecordRow & { slot_key: string; slot_offset: string }>(
          `SELECT slot_key, slot_offset, offset, key, value, tombstone, timestamp, headers
           FROM ${EMBEDDED_LOG_TABLE} FINAL
           WHERE ${where}
             AND (slot_key, slot_offset) >= ({firstKey:String}, {firstOffset:UInt64})
             AND (slot_key, slot_offset) <= ({lastKey:String}, {lastOffset:UInt64})
           ORDER BY slot_key, slot_offset`,
          {
            ...params,
            firstKey: page.first.slot_key,
            firstOffset: page.first.slot_offset,
            lastKey: page.last.slot_key,
            lastOffset: page.last.slot_offset,
          },
        );
        const records = rows
          .filter((r) => wanted === null || wanted.has(`${r.slot_key}\u0000${r.slot_offset}`))
          .map((r) => toRecord(topic, partition, r));
        if (keyed || latestPerKey) held.push(...records);
        else if (records.length > 0) yield records;
      }
      if (held.length > 0) {
        held.sort((a, b) => Number(a.offset) - Number(b.offset));
        yield held;
      }
    },
  };
}

function bySlot(a: SlotRow, b: SlotRow): number {
  if (a.slot_key !== b.slot_key) return a.slot_key < b.slot_key ? -1 : 1;
  return Number(a.slot_offset) - Number(b.slot_offset);
}

function toRecord(topic: string, partition: number, r: RecordRow): PersistedRecord {
  return {
    topic,
    partition,
    offset: r.offset,
    key: r.key,
    value: r.tombstone ? null : decodeStoredValue(r.value),
    timestamp: Number(r.timestamp),
    headers: r.headers,
  };
}
