import { dlq, drop, ok } from '../../services/core/processing/outcome.ts';
import type { Processor } from '../../services/core/processing/processor.ts';

export const COUNTS_STORE = 'counts';

/** What the toy processor reads: `poison` goes to the DLQ, `skip` is dropped, anything else counts. */
export interface CountInput {
  readonly n?: number;
  readonly poison?: boolean;
  readonly skip?: boolean;
}

export interface CountOutput {
  readonly key: string;
  readonly count: number;
}

/**
 * A toy stateful processor: a running count per key, kept in the `counts` store. Every input
 * yields `{key, count}` with the count after it, so any lost or duplicated input shows up as a
 * gap or a repeated (key, count) pair, and the store's changelog must end at the total per key.
 */
export function runningCountProcessor({
  name,
  input,
  output,
}: {
  readonly name: string;
  readonly input: string;
  readonly output: string;
}): Processor {
  return {
    name,
    inputTopics: [input],
    outputTopics: [output],
    stores: [COUNTS_STORE],
    process(record, context) {
      const value = record.value as CountInput | null;
      if (record.key === null) return dlq('KEY_MISSING', 'a count needs a key');
      if (value?.poison === true) return dlq('POISON_PILL', `record ${record.offset} asked to be rejected`);
      if (value?.skip === true) return drop('SKIP_REQUESTED');
      const count = (context.store<number>(COUNTS_STORE).get(record.key) ?? 0) + 1;
      const out: CountOutput = { key: record.key, count };
      return ok(
        [{ topic: output, key: record.key, value: out }],
        [{ store: COUNTS_STORE, key: record.key, value: count }],
      );
    },
  };
}

/** Checks outputs of a running count: for each key, counts 1..n each exactly once. Returns problems found. */
export function countProblems(
  outputs: readonly CountOutput[],
  expected: ReadonlyMap<string, number>,
): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number[]>();
  for (const { key, count } of outputs) seen.set(key, [...(seen.get(key) ?? []), count]);
  for (const [key, total] of expected) {
    const counts = [...(seen.get(key) ?? [])].sort((a, b) => a - b);
    const duplicates = counts.filter((c, i) => counts[i - 1] === c);
    if (duplicates.length > 0) problems.push(`${key}: duplicated counts ${duplicates.join(',')}`);
    const unique = [...new Set(counts)];
    if (unique.length !== total || unique.some((c, i) => c !== i + 1)) {
      problems.push(`${key}: counts ${unique.length} of ${total} (max ${unique.at(-1) ?? 0})`);
    }
  }
  for (const key of seen.keys()) if (!expected.has(key)) problems.push(`${key}: unexpected key`);
  return problems;
}
