/**
 * A least-recently-used cache bounded by entry count and by total weight (bytes), so a few huge
 * renders (a 20,000-config Clash file) cannot push memory past the budget. A Map keeps insertion
 * order; a hit re-inserts the key, so the first key is always the least recently used.
 */
export interface LruCache<V> {
  get(key: string): V | undefined;
  set(key: string, value: V, weight: number): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
  readonly weight: number;
}

export interface LruOptions {
  readonly maxEntries: number;
  readonly maxWeight: number;
}

export function createLruCache<V>({ maxEntries, maxWeight }: LruOptions): LruCache<V> {
  const entries = new Map<string, { value: V; weight: number }>();
  let total = 0;

  const evict = (): void => {
    while (entries.size > maxEntries || total > maxWeight) {
      const oldest = entries.keys().next();
      if (oldest.done === true) return;
      const entry = entries.get(oldest.value);
      entries.delete(oldest.value);
      total -= entry?.weight ?? 0;
    }
  };

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, weight) {
      const held = entries.get(key);
      if (held !== undefined) {
        entries.delete(key);
        total -= held.weight;
      }
      // Something heavier than the whole budget is not cached at all.
      if (weight > maxWeight) return;
      entries.set(key, { value, weight });
      total += weight;
      evict();
    },
    delete(key) {
      const held = entries.get(key);
      if (held === undefined) return;
      entries.delete(key);
      total -= held.weight;
    },
    clear() {
      entries.clear();
      total = 0;
    },
    get size() {
      return entries.size;
    },
    get weight() {
      return total;
    },
  };
}
