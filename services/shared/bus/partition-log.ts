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
}

export interface PartitionLogOptions {
  /** Keep only the latest record per key (a tombstone included), like a fully compacted Kafka topic. */
  readonly compacted: boolean;
  /** Drop the oldest records beyond this many (embedded mode bounds memory; history lives in chDB). */
  readonly retainRecords?: number;
}

/**
 * An append-only partition. Compaction is immediate: appending a key empties the slot of its
 * previous record, so memory follows the number of live keys and a read from the beginning
 * yields the last value per key, at its original offset.
 */
export function createPartitionLog({
  compacted,
  retainRecords = Infinity,
}: PartitionLogOptions): PartitionLog {
  // slots[i] holds offset base + i; undefined marks a compacted or skipped offset.
  let slots: (StoredRecord | undefined)[] = [];
  let base = 0;
  let first = 0;
  let end = 0;
  const lastSlotOfKey = new Map<string, number>();

  const dropOldest = (): void => {
    dropUpTo(end - retainRecords);
  };

  const dropUpTo = (offset: number): void => {
    while (first < Math.min(offset, end)) {
      const record = slots[first - base];
      if (record?.key != null && lastSlotOfKey.get(record.key) === record.offset)
        lastSlotOfKey.delete(record.key);
      slots[first - base] = undefined;
      first += 1;
    }
    // Re-base once the dropped head is large, so the array does not grow forever.
    if (first - base > 1024 && first - base > slots.length / 2) {
      slots = slots.slice(first - base);
      base = first;
    }
  };

  return {
    endOffset: () => end,
    startOffset: () => first,
    append(record, offset = end) {
      if (offset < end) throw new RangeError(`offset ${offset} is below the end offset ${end}`);
      const stored: StoredRecord = { ...record, offset };
      while (base + slots.length < offset) slots.push(undefined);
      slots.push(stored);
      end = offset + 1;
      if (compacted && record.key !== null) {
        const previous = lastSlotOfKey.get(record.key);
        if (previous !== undefined) slots[previous - base] = undefined;
        lastSlotOfKey.set(record.key, offset);
      }
      dropOldest();
      return offset;
    },
    read(from, max) {
      const out: StoredRecord[] = [];
      for (let offset = Math.max(from, first); offset < end && out.length < max; offset += 1) {
        const record = slots[offset - base];
        if (record !== undefined) out.push(record);
      }
      return out;
    },
    skipTo(offset) {
      if (offset > end) end = offset;
    },
    dropBefore(offset) {
      dropUpTo(offset);
    },
    offsetForTimestamp(timestamp) {
      for (let offset = first; offset < end; offset += 1) {
        const record = slots[offset - base];
        if (record !== undefined && record.timestamp >= timestamp) return offset;
      }
      return end;
    },
  };
}
