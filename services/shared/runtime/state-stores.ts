import type { StateChange } from '../../core/processing/outcome.ts';
import { RUNTIME_ERROR_CODES, RuntimeError } from './runtime-error.ts';

/**
 * A processor's keyed stores, held per input partition: the state of partition p is restored
 * from partition p of each changelog and dropped when p is assigned elsewhere.
 */
export interface StateStores {
  readonly names: readonly string[];
  get(partition: number, store: string, key: string): unknown;
  /** Applies committed changes (null deletes). */
  apply(partition: number, changes: readonly StateChange[]): void;
  isRestored(partition: number): boolean;
  markRestored(partition: number): void;
  /** Forgets every partition (a new assignment: state is restored again before use). */
  reset(): void;
  /** All keys of one store across the partitions held, for tests and debugging. */
  snapshot(store: string): ReadonlyMap<string, unknown>;
}

export function createStateStores(names: readonly string[]): StateStores {
  const partitions = new Map<number, Map<string, Map<string, unknown>>>();
  const restored = new Set<number>();

  const storeOf = (partition: number, store: string): Map<string, unknown> => {
    if (!names.includes(store)) {
      throw new RuntimeError(RUNTIME_ERROR_CODES.processorContract, `store ${store} is not declared`);
    }
    let stores = partitions.get(partition);
    if (stores === undefined) {
      stores = new Map(names.map((name) => [name, new Map<string, unknown>()]));
      partitions.set(partition, stores);
    }
    const found = stores.get(store);
    if (found === undefined)
      throw new RuntimeError(RUNTIME_ERROR_CODES.processorContract, `no store ${store}`);
    return found;
  };

  return {
    names,
    get: (partition, store, key) => storeOf(partition, store).get(key),
    apply(partition, changes) {
      for (const { store, key, value } of changes) {
        const map = storeOf(partition, store);
        if (value === null) map.delete(key);
        else map.set(key, value);
      }
    },
    isRestored: (partition) => restored.has(partition),
    markRestored: (partition) => {
      restored.add(partition);
    },
    reset() {
      partitions.clear();
      restored.clear();
    },
    snapshot(store) {
      const all = new Map<string, unknown>();
      for (const p of partitions.keys()) for (const [k, v] of storeOf(p, store)) all.set(k, v);
      return all;
    },
  };
}
