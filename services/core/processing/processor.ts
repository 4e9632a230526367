import type { ProcessOutcome } from './outcome.ts';
import type { InputRecord } from './record.ts';

/** Read-only view of a keyed state store, as the processor sees it during one record. */
export interface StateView<V = unknown> {
  get(key: string): V | undefined;
}

export interface ProcessContext {
  /** Read a store; includes changes made earlier in the same batch. */
  store<V>(name: string): StateView<V>;
  /** Wall-clock of the run loop (injected so processors stay deterministic in tests). */
  readonly now: number;
}

/**
 * A stream processor: a pure function from one input record (and its keyed state) to an
 * outcome. It imports no Kafka, HTTP or ClickHouse code; the shared run loop (Kafka with
 * transactions, or the in-process bus) feeds it and applies the outcome atomically.
 *
 * State stores are partitioned like the input: a store key must be derived from the
 * input key so a partition's state moves with the partition on rebalance.
 */
export interface Processor<V = unknown> {
  readonly name: string;
  readonly inputTopics: readonly string[];
  readonly outputTopics: readonly string[];
  /** Names of keyed stores; each is backed by the compacted topic `<name>.<store>.changelog.v1`. */
  readonly stores: readonly string[];
  /**
   * Stores kept in one of the processor's own output topics instead of a changelog (as Kafka
   * Streams keeps a source table in its source topic): every change of such a store is published
   * on `topic` under the same key in the same transaction, so no changelog record is written and
   * a restore reads `topic` instead, mapping each value back with `restore` (null deletes).
   */
  readonly outputStores?: Readonly<Record<string, OutputStore>>;
  process(record: InputRecord<V>, context: ProcessContext): ProcessOutcome;
}

/** Where an output-backed store lives (see Processor.outputStores). */
export interface OutputStore {
  /** One of the processor's output topics, co-partitioned with its inputs. */
  readonly topic: string;
  /** The store value a record of `topic` stands for; null for a tombstone. Pure. */
  restore(value: unknown): unknown;
}

export function changelogTopic(processor: string, store: string): string {
  return `${processor}.${store}.changelog.v1`;
}

export function dlqTopic(processor: string): string {
  return `dlq.${processor}.v1`;
}
