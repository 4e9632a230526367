import type { StateChange } from '../../core/processing/outcome.ts';
import { changelogTopic, dlqTopic } from '../../core/processing/processor.ts';
import type { ProcessContext, Processor, StateView } from '../../core/processing/processor.ts';
import { DLQ_CODES, dlqRecord } from './dlq-headers.ts';
import type { LogRecord, OutgoingRecord } from './event-log.ts';
import { RUNTIME_ERROR_CODES, RuntimeError } from './runtime-error.ts';
import type { StateStores } from './state-stores.ts';

/** What one chunk of records amounts to: everything to write in its transaction, and what to apply after. */
export interface ChunkResult {
  /** Processor outputs, changelog records and DLQ records, in one transaction. */
  readonly outgoing: readonly OutgoingRecord[];
  /** Applied to the in-memory stores once the transaction committed. */
  readonly stateChanges: readonly StateChange[];
  /** The committed offset: after the chunk's last record. */
  readonly nextOffset: string;
  readonly tally: ChunkTally;
}

export interface ChunkTally {
  readonly outputsByTopic: ReadonlyMap<string, number>;
  readonly dlqByCode: ReadonlyMap<string, number>;
  readonly dropsByReason: ReadonlyMap<string, number>;
}

const bump = (counts: Map<string, number>, key: string, by = 1): void => {
  counts.set(key, (counts.get(key) ?? 0) + by);
};

/**
 * Runs the processor over a chunk of one partition's records. Pure apart from calling the
 * processor: state changes go to an overlay the later records of the chunk read through, so
 * nothing touches the stores until the chunk's transaction has committed, and a retried or
 * abandoned chunk leaves no trace. A processor that throws has a bug: the error propagates.
 */
export function processRecords(
  processor: Processor,
  records: readonly LogRecord[],
  {
    partition,
    stores,
    now,
  }: { readonly partition: number; readonly stores: StateStores; readonly now: number },
): ChunkResult {
  const last = records.at(-1);
  if (last === undefined) throw new RangeError('processRecords needs at least one record');
  const overlay = new Map<string, Map<string, unknown>>(processor.stores.map((s) => [s, new Map()]));
  const outputs: OutgoingRecord[] = [];
  const dlqs: OutgoingRecord[] = [];
  const stateChanges: StateChange[] = [];
  const outputsByTopic = new Map<string, number>();
  const dlqByCode = new Map<string, number>();
  const dropsByReason = new Map<string, number>();
  const declaredOutputs = new Set(processor.outputTopics);
  const parkedIn = dlqTopic(processor.name);

  const view = (store: string): StateView<unknown> => {
    const pending = overlay.get(store);
    if (pending === undefined) {
      throw new RuntimeError(
        RUNTIME_ERROR_CODES.processorContract,
        `${processor.name}: store ${store} is not declared`,
      );
    }
    return {
      get: (key) => (pending.has(key) ? (pending.get(key) ?? undefined) : stores.get(partition, store, key)),
    };
  };
  const context: ProcessContext = { store: <V>(name: string) => view(name) as StateView<V>, now };

  for (const record of records) {
    if (record.decodeFailure !== null) {
      const { code, message } = record.decodeFailure;
      dlqs.push(
        dlqRecord(
          parkedIn,
          processor.name,
          record,
          { code: DLQ_CODES.undecodable, message: `${code}: ${message}` },
          now,
        ),
      );
      bump(dlqByCode, DLQ_CODES.undecodable);
      continue;
    }
    const outcome = processor.process(record, context);
    if (outcome.kind === 'dlq') {
      dlqs.push(dlqRecord(parkedIn, processor.name, record, outcome, now));
      bump(dlqByCode, outcome.code);
      continue;
    }
    if (outcome.kind === 'drop') {
      bump(dropsByReason, outcome.reason);
      continue;
    }
    for (const output of outcome.outputs) {
      if (!declaredOutputs.has(output.topic)) {
        throw new RuntimeError(
          RUNTIME_ERROR_CODES.processorContract,
          `${processor.name} wrote to ${output.topic}, which is not among its output topics`,
        );
      }
      outputs.push({
        topic: output.topic,
        key: output.key,
        value: output.value,
        ...(output.headers === undefined ? {} : { headers: output.headers }),
      });
      bump(outputsByTopic, output.topic);
    }
    for (const change of outcome.stateChanges) {
      view(change.store);
      overlay.get(change.store)?.set(change.key, change.value);
      stateChanges.push(change);
    }
  }

  // Only the last change per key matters to a restore, so the changelog gets one record per key per chunk.
  const changelog: OutgoingRecord[] = [];
  for (const [store, pending] of overlay) {
    // An output-backed store's changes are already among the outputs (Processor.outputStores).
    if (processor.outputStores?.[store] !== undefined) continue;
    const topic = changelogTopic(processor.name, store);
    for (const [key, value] of pending) changelog.push({ topic, key, value: value ?? null, partition });
    if (pending.size > 0) bump(outputsByTopic, topic, pending.size);
  }
  for (const d of dlqs) bump(outputsByTopic, d.topic);

  return {
    outgoing: [...outputs, ...changelog, ...dlqs],
    stateChanges,
    nextOffset: (BigInt(last.offset) + 1n).toString(),
    tally: { outputsByTopic, dlqByCode, dropsByReason },
  };
}
