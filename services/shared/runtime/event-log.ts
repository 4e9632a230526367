/**
 * The event log port: what the run loop, the read side and the tools need from a partitioned,
 * replayable log. Two adapters implement it — Kafka (services/shared/kafka/kafka-event-log.ts)
 * and the in-process bus of the embedded mode (services/shared/bus/in-process-event-log.ts) —
 * and test/contract/event-log.contract.ts holds both to the same behaviour.
 *
 * Values are plain JS values at this port; an adapter that stores bytes encodes and decodes
 * them with an injected codec. Offsets are decimal strings, as in Kafka. A committed offset is
 * the next offset to read.
 */

export const EVENT_LOG_KINDS = { kafka: 'kafka', inProcess: 'in-process' } as const;
export type EventLogKind = (typeof EVENT_LOG_KINDS)[keyof typeof EVENT_LOG_KINDS];

export const START_FROM = { earliest: 'earliest', latest: 'latest' } as const;
export type StartFrom = (typeof START_FROM)[keyof typeof START_FROM];

export const VALUE_ENCODINGS = { codec: 'codec', raw: 'raw' } as const;
export type ValueEncoding = (typeof VALUE_ENCODINGS)[keyof typeof VALUE_ENCODINGS];

/** Why a stored value could not be decoded; the record still flows so the run loop can park it in a DLQ. */
export interface DecodeFailure {
  readonly code: string;
  readonly message: string;
}

/** A record read from the log. Structurally an InputRecord of the processor contract. */
export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** null is a tombstone (and the value of an undecodable record). */
  readonly value: unknown;
  /** Epoch ms the record was appended (Kafka: the producer's create time). */
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The bytes as stored, when the log stores bytes (Kafka): a DLQ keeps them untouched. */
  readonly raw: Uint8Array | null;
  readonly decodeFailure: DecodeFailure | null;
}

export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string | null;
  /** null is a tombstone. With encoding `raw`, a Uint8Array written as is. */
  readonly value: unknown;
  /**
   * Explicit partition (changelogs follow their input partition). Otherwise a keyed record goes
   * to murmur2(key) % partitions, Kafka's default partitioner, so both adapters place keys alike.
   */
  readonly partition?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly encoding?: ValueEncoding;
}

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read. */
  readonly offset: string;
}

export interface LogTopic {
  readonly name: string;
  readonly partitions: number;
  /** Compacted topics keep (at least) the last value per key; a tombstone deletes the key. */
  readonly compacted: boolean;
}

/** Topic name → partitions a group member owns. */
export type Assignment = ReadonlyMap<string, readonly number[]>;

export interface LogBatch {
  readonly topic: string;
  readonly partition: number;
  /** In offset order; never empty. */
  readonly records: readonly LogRecord[];
  /** The partition's end offset when the batch was fetched: lag = highWatermark - next offset. */
  readonly highWatermark: string;
}

export interface BatchControl {
  /** Keeps the membership alive during long batches; throws REBALANCE_IN_PROGRESS when the group moved on. */
  heartbeat(): Promise<void>;
  /** False once the subscription is stopping or the group rebalanced: stop before the next record. */
  isActive(): boolean;
  /**
   * Records up to and including `offset` are handled and must not be delivered to this member
   * again. Unmarked records of the batch are delivered again. This is not the group's committed
   * offset: that moves only through a commit (transactional or `setCommittedOffsets`).
   */
  markConsumed(offset: string): void;
}

export interface ConsumeOptions {
  readonly group: string;
  readonly topics: readonly string[];
  /** Where a partition without a committed offset starts (default earliest). */
  readonly startFrom?: StartFrom;
  /**
   * Exact start positions of some partitions, over startFrom and committed offsets: for a
   * private group that never commits and continues where a `readToEnd` stopped (the read API).
   */
  readonly startAt?: readonly TopicPartitionOffset[];
  /**
   * Called with the member's whole new assignment before any batch of it. Assignment is eager:
   * a new assignment replaces the old one, and partition p of every subscribed topic goes to
   * the same member (co-partitioning, so keyed state stays local).
   */
  readonly onAssignment?: (assignment: Assignment) => void;
  /** One partition's batch at a time; a thrown error ends the subscription (done rejects). */
  readonly eachBatch: (batch: LogBatch, control: BatchControl) => Promise<void>;
}

export interface Subscription {
  /** Stops delivering, waits for the batch in flight, leaves the group. Idempotent. */
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves after stop(), rejects with the error that ended it. */
  readonly done: Promise<void>;
}

/** One atomic unit: appended records and committed offsets become visible together, or not at all. */
export interface LogTransaction {
  append(records: readonly OutgoingRecord[]): Promise<void>;
  commitOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface TransactionalWriter {
  /** One transaction at a time per writer. */
  begin(): Promise<LogTransaction>;
  close(): Promise<void>;
}

export interface ReadToEndOptions {
  /** Default: every partition. */
  readonly partitions?: readonly number[];
  /** Per partition, the first offset to read (default: the partition's start). */
  readonly from?: ReadonlyMap<number, string>;
  /** Per partition, the offset to stop before (default and at most: the end offset at the call). */
  readonly until?: ReadonlyMap<number, string>;
  /** Called in offset order per partition; partitions may interleave. */
  readonly onRecords: (records: readonly LogRecord[]) => void | Promise<void>;
}

export interface EventLog {
  readonly kind: EventLogKind;
  /** Creates missing topics; existing ones are left as they are. */
  ensureTopics(topics: readonly LogTopic[]): Promise<void>;
  partitionCount(topic: string): Promise<number>;
  /** Appends outside any transaction (producers such as the fetcher). */
  append(records: readonly OutgoingRecord[]): Promise<void>;
  /** Per partition, the offset after the last committed record (Kafka: the last stable offset). */
  endOffsets(topic: string): Promise<ReadonlyMap<number, string>>;
  /** Per partition, the first offset at or after `timestamp` (the end offset when none is). */
  offsetsForTimestamp(topic: string, timestamp: number): Promise<ReadonlyMap<number, string>>;
  /** The group's committed offsets; partitions without one are absent. */
  committedOffsets(group: string, topic: string): Promise<ReadonlyMap<number, string>>;
  /** Overwrites committed offsets (replay, resets); the group must have no active member. */
  setCommittedOffsets(group: string, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /**
   * Reads from the start of each partition (or `from`) up to the end offsets taken at the call
   * (or `until`), outside any group: how state stores restore from changelogs and readers
   * materialize compacted topics.
   */
  readToEnd(topic: string, options: ReadToEndOptions): Promise<void>;
  consume(options: ConsumeOptions): Promise<Subscription>;
  /**
   * A writer whose id is stable per instance: a restarted instance with the same id fences its
   * predecessor and aborts the transaction that predecessor left open.
   */
  transactionalWriter(id: string): Promise<TransactionalWriter>;
  close(): Promise<void>;
}
