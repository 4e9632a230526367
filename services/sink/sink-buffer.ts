import type { OutgoingRecord, TopicPartitionOffset } from '../shared/runtime/event-log.ts';
import type { RecordPosition } from './event-rows.ts';

/**
 * Rows of one table waiting for their insert, each with where it came from (for the DLQ).
 * Rows are held as their JSONEachRow lines, serialised when they arrive: a batch of 50,000 rows
 * then survives the young-generation collections as 50,000 flat strings instead of 50,000
 * objects with a dozen strings each, and the insert body is those lines joined.
 */
export interface TableRows {
  readonly rows: string[];
  readonly positions: RecordPosition[];
}

/** Everything one flush writes: rows per table, DLQ records, and the offsets to commit after. */
export interface PendingFlush {
  readonly tables: ReadonlyMap<string, TableRows>;
  readonly dlq: readonly OutgoingRecord[];
  /** Per topic-partition, the next offset to read: every record before it is in this flush or an earlier one. */
  readonly offsets: readonly TopicPartitionOffset[];
  readonly rows: number;
  readonly records: number;
}

export interface SinkBuffer {
  /** `row` is the row's JSON text (one JSONEachRow line without its newline). */
  addRow(table: string, row: string, position: RecordPosition): void;
  addDlq(record: OutgoingRecord): void;
  /** Records up to `offset` (inclusive) of the partition are accounted for (as rows, DLQ or drops). */
  consumed(topic: string, partition: number, offset: string): void;
  readonly rows: number;
  readonly records: number;
  /** Epoch ms of the first record since the last take; null when empty. */
  readonly oldestAt: number | null;
  /** Hands over everything buffered and starts empty; null when nothing is buffered. */
  take(): PendingFlush | null;
  /** Forgets everything buffered (a new assignment: uncommitted records come again). */
  clear(): void;
}

/** Pure bookkeeping of the sink's batch; `now` is injected so age is testable. */
export function createSinkBuffer(now: () => number = Date.now): SinkBuffer {
  let tables = new Map<string, TableRows>();
  let dlq: OutgoingRecord[] = [];
  // The last consumed offset per topic-partition, as the log gave it; turned into the next
  // offset to read only when the batch is taken (one BigInt per partition, not per record).
  let offsets = new Map<string, { topic: string; partition: number; last: string }>();
  let rows = 0;
  let records = 0;
  let oldestAt: number | null = null;

  const touch = (): void => {
    oldestAt ??= now();
  };

  const reset = (): void => {
    tables = new Map();
    dlq = [];
    offsets = new Map();
    rows = 0;
    records = 0;
    oldestAt = null;
  };

  return {
    addRow(table, row, position) {
      touch();
      let entry = tables.get(table);
      if (entry === undefined) {
        entry = { rows: [], positions: [] };
        tables.set(table, entry);
      }
      entry.rows.push(row);
      entry.positions.push(position);
      rows += 1;
    },
    addDlq(record) {
      touch();
      dlq.push(record);
    },
    consumed(topic, partition, offset) {
      touch();
      const key = `${topic}\u0000${partition}`;
      const entry = offsets.get(key);
      if (entry === undefined) offsets.set(key, { topic, partition, last: offset });
      else entry.last = offset;
      records += 1;
    },
    get rows() {
      return rows;
    },
    get records() {
      return records;
    },
    get oldestAt() {
      return oldestAt;
    },
    take() {
      if (records === 0 && dlq.length === 0) return null;
      const next = [...offsets.values()].map(({ topic, partition, last }) => ({
        topic,
        partition,
        offset: (BigInt(last) + 1n).toString(),
      }));
      const taken: PendingFlush = { tables, dlq, offsets: next, rows, records };
      reset();
      return taken;
    },
    clear: reset,
  };
}
