import type { FingerprintPolicy } from './identity/fingerprint-policy.ts';
import { DEFAULT_FINGERPRINT_POLICY } from './identity/fingerprint-policy.ts';
import { mergeVariants, type IdentityGroup, type IdentityInput } from './identity/merge-variants.ts';

export interface DedupeOptions {
  readonly policy?: FingerprintPolicy;
}

export interface DedupeResult<T extends IdentityInput> {
  /** One input per identity (the first seen), in first-seen order. */
  readonly configs: readonly T[];
  /** Parallel to `configs`: the identity of each kept input and everything folded into it. */
  readonly groups: readonly IdentityGroup<T>[];
  /** How many inputs were folded into an earlier one. */
  readonly folded: number;
}

/**
 * Keep one config per identity under `policy` (default: endpoint + credential), keeping
 * every folded variant in `groups` so `explain()` can say what was merged and why.
 */
export function dedupe<T extends IdentityInput>(
  items: readonly T[],
  options: DedupeOptions = {},
): DedupeResult<T> {
  const groups = mergeVariants(items, options.policy ?? DEFAULT_FINGERPRINT_POLICY);
  return { configs: groups.map((g) => g.representative), groups, folded: items.length - groups.length };
}
