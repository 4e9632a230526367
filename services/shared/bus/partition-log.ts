/** A record as the in-process bus keeps it: the decoded value, never bytes. */
export interface StoredRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: unknown;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface PartitionLog {
  /** The offset the next append gets (the end offset). */
  endOffset(): number;
  /** The first offset still held (advances when retention drops old records). */
  startOffset(): number;
  /** Appends at `offset` (default: the end offset); offsets only grow, gaps are allowed. */
  append(record: Omit<StoredRecord, 'offset'>, offset?: number): number;
  /** Up to `max` records from `from` on, skipping records compaction or retention removed. */
  read(from: number, max: number): StoredRecord[];
  /** The first offset whose record is at or after `timestamp`; the end offset when none is. */
  offsetForTimestamp(timestamp: number): number;
  /**
   * Moves the end offset forward without a record, as compaction leaves gaps: a restored
   * partition ends where it ended before, even when its last records are held elsewhere.
   */
  skipTo(offset: number): void;
  /** Drops the records below `offset` (at most up to the end): they are held elsewhere (embedded store). */
  dropBefore(offset: number): void;
  /** Slots held in memory: live records plus emptied ones not squeezed out yet (tests, metrics). */
  slots(): number;
}

export interface PartitionLogOptions {
  /** Keep only the latest record per key (a tombstone included), like a fully compacted Kafka topic. */
  readonly compacted: boolean;
  /** Drop the oldest records beyond this many (embedded mode bounds memory; history lives in chDB). */
  readonly retainRecords?: number;
}

/**
 * An append-only partition. Compaction is immediate: appending a key empties the slot of its
 * previous record, so a read from the beginning yields the last value per key, at its original
 * offset. Records sit in offset order in an array with their offsets beside them (offsets may
 * have gaps); emptied slots are squeezed out once they outnumber the live ones, so memory
 * follows the number of live records, not the number of offsets a long-running compacted topic
 * has used.
 */
export function createPartitionLog({
  compacted,
  retainRecords = Infinity,
}: PartitionLogOptions): PartitionLog {
  // records[i] is the record at offsets[i], or undefined once compaction or retention emptied it.
  let records: (StoredRecord | undefined)[] = [];
  let offsets: number[] = [];
  /** Index of the first slot still held. */
  let head = 0;
  let holes = 0;
  let first = 0;
  let end = 0;
  const slotOfKey = new Map<string, number>();

  const squeeze = (): void => {
    const keptRecords: StoredRecord[] = [];
    const keptOffsets: number[] = [];
    slotOfKey.clear();
    for (let i = head; i < records.length; i += 1) {
      const record = records[i];
      if (record === undefined) continue;
      if (compacted && record.key !== null) slotOfKey.set(record.key, keptRecords.length);
      keptRecords.push(record);
      keptOffsets.push(offsets[i] ?? record.offset);
    }
    records = keptRecords;
    offsets = keptOffsets;
    head = 0;
    holes = 0;
  };

  const empty = (index: number): void => {
    if (records[index] === undefined) return;
    records[index] = undefined;
    holes += 1;
  };

  const dropUpTo = (offset: number): void => {
    const target = Math.min(offset, end);
    if (target <= first) return;
    while (head < records.length && (offsets[head] ?? Infinity) < target) {
      const record = records[head];
      if (record !== undefined) {
        if (record.key !== null && slotOfKey.get(record.key) === head) slotOfKey.delete(record.key);
        records[head] = undefined;
      } else {
        holes -= 1;
      }
      head += 1;
    }
    first = target;
    if (head > 1024 && head > records.length / 2) squeeze();
  };

  /** Index of the first slot whose offset is at or after `offset` (records.length when none is). */
  const indexAtOrAfter = (offset: number): number => {
    let lo = head;
    let hi = records.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((offsets[mid] ?? Infinity) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    endOffset: () => end,
    startOffset: () => first,
    append(record, offset = end) {
      if (offset < end) throw new RangeError(`offset ${offset} is below the end offset ${end}`);
      const stored: StoredRecord = { ...record, offset };
      const index = records.length;
      records.push(stored);
      offsets.push(offset);
      end = offset + 1;
      if (compacted && record.key !== null) {
        const previous = slotOfKey.get(record.key);
        if (previous !== undefined) empty(previous);
        slotOfKey.set(record.key, index);
      }
      dropUpTo(end - retainRecords);
      if (holes > 1024 && holes > records.length - head - holes) squeeze();
      return offset;
    },
    read(from, max) {
      const out: StoredRecord[] = [];
      for (let i = indexAtOrAfter(Math.max(from, first)); i < records.length && out.length < max; i += 1) {
        const record = records[i];
        if (record !== undefined) out.push(record);
      }
      return out;
    },
    offsetForTimestamp(timestamp) {
      for (let i = head; i < records.length; i += 1) {
        const record = records[i];
        if (record !== undefined && record.timestamp >= timestamp) return record.offset;
      }
      return end;
    },
    skipTo(offset) {
      if (offset > end) end = offset;
    },
    dropBefore(offset) {
      dropUpTo(offset);
    },
    slots: () => records.length - head,
  };
}
