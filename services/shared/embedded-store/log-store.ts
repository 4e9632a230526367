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

/** Which records of a topic a restore reads. */
export interface RecordQuery {
  readonly topic: string;
  /** Partitions to read, each from this offset on (0 for everything it holds). */
  readonly from: ReadonlyMap<number, number>;
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
  /** The stored records of a topic's partitions, each partition in offset order; read in pages bounded in bytes. */
  records(query: RecordQuery): Promise<Map<number, PersistedRecord[]>>;
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

/** A record row as RECORD_LINE writes it: the value decoded already (null for a tombstone). */
interface StoredRow {
  readonly partition: number;
  readonly slot_key: string;
  readonly slot_offset: string;
  readonly offset: string;
  readonly key: string | null;
  readonly value: unknown;
  readonly timestamp: number;
  readonly headers: Record<string, string>;
}

/**
 * One JSON document per record row. Stored values are JSON (stored-value.ts) and JSON text
 * never holds a raw newline, so each row is one line of TabSeparatedRaw.
 */
const RECORD_LINE = `concat(
  '{"partition":', toString(partition),
  ',"slot_key":', toJSONString(slot_key),
  ',"slot_offset":"', toString(slot_offset),
  '","offset":"', toString(offset),
  '","key":', if(isNull(key), 'null', toJSONString(assumeNotNull(key))),
  ',"value":', if(tombstone, 'null', value),
  ',"timestamp":', toString(timestamp),
  ',"headers":', toJSONString(headers),
  '}')`;

interface SlotRow {
  readonly partition: number;
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

  /**
   * Record rows as one JSON document per line, built by ClickHouse with the stored value inlined
   * (it is JSON already): one parse per record instead of a row parse and a value parse.
   */
  const selectRecords = async (query: string, params: Record<string, unknown>): Promise<StoredRow[]> => {
    const rs = await client.query({ query, query_params: params, format: 'TabSeparatedRaw' });
    const text = await rs.text();
    const rows: StoredRow[] = [];
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      if (end > start) rows.push(decodeStoredValue(text.slice(start, end)) as StoredRow);
      start = end + 1;
    }
    return rows;
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

    async records({ topic, from, latestPerKey = false }) {
      const out = new Map<number, PersistedRecord[]>();
      if (from.size === 0) return out;
      // Partitions and their floors are integers: written inline, they keep the query to one pass per topic.
      const floors = [...from].map(([p, o]) => `partition = ${Math.trunc(p)}, ${Math.trunc(o)}`).join(', ');
      let where = `topic = {topic:String} AND kind = 'record'
        AND partition IN (${[...from.keys()].map((p) => Math.trunc(p)).join(', ')})
        AND offset >= multiIf(${floors}, 0)`;
      const columns = RECORD_LINE;
      const add = (rows: readonly StoredRow[], wanted: ReadonlySet<string> | null): void => {
        for (const row of rows) {
          if (wanted !== null && !wanted.has(slotId(row))) continue;
          const partition = Number(row.partition);
          const list = out.get(partition) ?? [];
          list.push(toRecord(topic, partition, row));
          out.set(partition, list);
        }
      };
      const sortAll = (): Map<number, PersistedRecord[]> => {
        // Compacted partitions are stored in key order; the bus takes records in offset order.
        for (const list of out.values()) list.sort((a, b) => Number(a.offset) - Number(b.offset));
        return out;
      };
      if (!latestPerKey) {
        // Whole partitions per read while they fit the budget (sizes before merges: an upper bound).
        const sizes = await select<{ partition: number; bytes: string }>(
          `SELECT partition, sum(length(value)) AS bytes FROM ${EMBEDDED_LOG_TABLE} WHERE ${where}
           GROUP BY partition ORDER BY partition`,
          { topic },
        );
        const small = sizes.filter((s) => Number(s.bytes) <= pageBytes);
        for (const batch of batchesOf(small, pageBytes)) {
          add(
            await selectRecords(
              `SELECT ${columns} FROM ${EMBEDDED_LOG_TABLE} FINAL
               WHERE ${where} AND partition IN (${batch.map((p) => Math.trunc(p)).join(', ')})`,
              { topic },
            ),
            null,
          );
        }
        const large = sizes.filter((s) => Number(s.bytes) > pageBytes).map((s) => Number(s.partition));
        if (large.length === 0) return sortAll();
        where += ` AND partition IN (${large.map((p) => Math.trunc(p)).join(', ')})`;
      }
      // A light pass (slots and sizes, no values) cuts what is left into pages that fit the
      // byte budget, whatever the sizes of single records (fetched bodies reach megabytes).
      const slots = await select<SlotRow>(
        latestPerKey
          ? `SELECT partition, slot_key, slot_offset, length(value) AS bytes FROM ${EMBEDDED_LOG_TABLE} FINAL
             WHERE ${where} ORDER BY partition, key, offset DESC LIMIT 1 BY partition, key`
          : `SELECT partition, slot_key, slot_offset, length(value) AS bytes FROM ${EMBEDDED_LOG_TABLE} FINAL
             WHERE ${where} ORDER BY partition, slot_key, slot_offset`,
        { topic },
      );
      if (latestPerKey) slots.sort(bySlot);
      const wanted = latestPerKey ? new Set(slots.map(slotId)) : null;
      for (const page of pagesOf(slots, pageBytes)) {
        const rows = await selectRecords(
          `SELECT ${columns}
           FROM ${EMBEDDED_LOG_TABLE} FINAL
           WHERE ${where}
             AND (partition, slot_key, slot_offset) >= ({p0:UInt16}, {k0:String}, {o0:UInt64})
             AND (partition, slot_key, slot_offset) <= ({p1:UInt16}, {k1:String}, {o1:UInt64})`,
          {
            topic,
            p0: page.first.partition,
            k0: page.first.slot_key,
            o0: page.first.slot_offset,
            p1: page.last.partition,
            k1: page.last.slot_key,
            o1: page.last.slot_offset,
          },
        );
        add(rows, wanted);
      }
      return sortAll();
    },
  };
}

/** Partitions grouped so each group's values add up to at most `budget` bytes. */
function batchesOf(sizes: readonly { partition: number; bytes: string }[], budget: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const s of sizes) {
    const size = Number(s.bytes);
    if (current.length > 0 && bytes + size > budget) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(Number(s.partition));
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Consecutive runs of slots whose values add up to at most `budget` bytes (at least one slot each). */
function pagesOf(slots: readonly SlotRow[], budget: number): { first: SlotRow; last: SlotRow }[] {
  const pages: { first: SlotRow; last: SlotRow }[] = [];
  let first: SlotRow | undefined;
  let last: SlotRow | undefined;
  let bytes = 0;
  for (const slot of slots) {
    const size = Number(slot.bytes);
    if (first !== undefined && last !== undefined && bytes + size > budget) {
      pages.push({ first, last });
      first = undefined;
      bytes = 0;
    }
    first ??= slot;
    last = slot;
    bytes += size;
  }
  if (first !== undefined && last !== undefined) pages.push({ first, last });
  return pages;
}

function slotId(slot: Pick<SlotRow, 'partition' | 'slot_key' | 'slot_offset'>): string {
  return `${slot.partition}\u0000${slot.slot_key}\u0000${slot.slot_offset}`;
}

function bySlot(a: SlotRow, b: SlotRow): number {
  if (a.partition !== b.partition) return Number(a.partition) - Number(b.partition);
  if (a.slot_key !== b.slot_key) return a.slot_key < b.slot_key ? -1 : 1;
  return Number(a.slot_offset) - Number(b.slot_offset);
}

function toRecord(topic: string, partition: number, r: StoredRow): PersistedRecord {
  return {
    topic,
    partition,
    offset: r.offset,
    key: r.key,
    value: r.value,
    timestamp: r.timestamp,
    headers: r.headers,
  };
}
