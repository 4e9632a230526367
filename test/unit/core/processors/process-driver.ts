import type { ProcessOutcome } from '../../../../services/core/processing/outcome.ts';
import type { Processor } from '../../../../services/core/processing/processor.ts';
import type { OutputRecord } from '../../../../services/core/processing/record.ts';

/**
 * Feeds records to a processor one at a time the way the run loop does (state changes of an
 * `ok` apply before the next record), without any log: the processors' pure behaviour alone.
 */
export interface ProcessDriver {
  push(key: string | null, value: unknown, topic?: string): ProcessOutcome;
  /** Outputs of every `ok` so far, in order. */
  readonly outputs: OutputRecord[];
  store(name: string): ReadonlyMap<string, unknown>;
}

export function createDriver(processor: Processor, now = 0): ProcessDriver {
  const stores = new Map(processor.stores.map((s) => [s, new Map<string, unknown>()]));
  const outputs: OutputRecord[] = [];
  let offset = 0;
  const storeOf = (name: string): Map<string, unknown> => {
    const store = stores.get(name);
    if (store === undefined) throw new Error(`no store ${name}`);
    return store;
  };
  return {
    outputs,
    store: storeOf,
    push(key, value, topic = processor.inputTopics[0] ?? 'input') {
      const outcome = processor.process(
        { topic, partition: 0, offset: String(offset++), key, value, timestamp: 0, headers: {} },
        { store: <V>(name: string) => ({ get: (k: string) => storeOf(name).get(k) as V | undefined }), now },
      );
      if (outcome.kind === 'ok') {
        outputs.push(...outcome.outputs);
        for (const change of outcome.stateChanges) {
          if (change.value === null) storeOf(change.store).delete(change.key);
          else storeOf(change.store).set(change.key, change.value);
        }
      }
      return outcome;
    },
  };
}
