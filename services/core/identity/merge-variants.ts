import type { ProxyConfig } from '../model/config.ts';
import type { ConfigOrigin } from '../model/parse-result.ts';
import { canonicalRecord, type CanonicalValue } from './canonical-record.ts';
import { fingerprint } from './fingerprint.ts';
import { DEFAULT_FINGERPRINT_POLICY, type FingerprintPolicy } from './fingerprint-policy.ts';

/** Anything that carries a config; `origin` and `source` make explanations useful. */
export interface IdentityInput {
  readonly config: ProxyConfig;
  readonly origin?: ConfigOrigin;
  /** Which subscription / file the config came from (source id, path...). */
  readonly source?: string;
}

export interface IdentityGroup<T extends IdentityInput> {
  readonly fingerprint: string;
  readonly policy: FingerprintPolicy;
  /** The first input seen with this identity: what a merged output carries. */
  readonly representative: T;
  /** Every input folded into this identity, in input order; the representative is first. */
  readonly members: readonly T[];
}

/**
 * Fold inputs into identities under a policy. Groups come back in first-seen order and
 * keep every member, so a merge can always be explained afterwards. Deterministic: the
 * same input list gives the same groups and representatives.
 */
export function mergeVariants<T extends IdentityInput>(
  items: readonly T[],
  policy: FingerprintPolicy = DEFAULT_FINGERPRINT_POLICY,
): IdentityGroup<T>[] {
  const byFingerprint = new Map<
    string,
    { fingerprint: string; policy: FingerprintPolicy; representative: T; members: T[] }
  >();
  for (const item of items) {
    const fp = fingerprint(item.config, policy);
    const group = byFingerprint.get(fp);
    if (group === undefined)
      byFingerprint.set(fp, { fingerprint: fp, policy, representative: item, members: [item] });
    else group.members.push(item);
  }
  return [...byFingerprint.values()];
}

export interface InputReference {
  readonly name: string;
  readonly source?: string;
  readonly line?: number;
  readonly from?: string;
}

/** Members whose full connection settings are identical (only names/origins differ). */
export interface VariantExplanation {
  /** Fingerprint of this variant under the `full` policy. */
  readonly fullFingerprint: string;
  readonly inputs: readonly InputReference[];
}

/** A connection setting on which the folded inputs disagree; `null` = absent or default. */
export interface FieldDifference {
  readonly field: string;
  readonly values: readonly (CanonicalValue | null)[];
}

export interface IdentityExplanation {
  readonly fingerprint: string;
  readonly policy: FingerprintPolicy;
  readonly inputCount: number;
  /** Distinct full-settings variants folded into this identity, in first-seen order. */
  readonly variants: readonly VariantExplanation[];
  /** Settings that differ between variants; empty when every input is the same node. */
  readonly differences: readonly FieldDifference[];
  /** Distinct display names seen for this identity. */
  readonly names: readonly string[];
}

/** Which inputs folded into one identity, how they are grouped, and what differs between them. */
export function explain<T extends IdentityInput>(group: IdentityGroup<T>): IdentityExplanation {
  const variants = new Map<string, InputReference[]>();
  const records: Record<string, CanonicalValue>[] = [];
  const names = new Set<string>();
  for (const member of group.members) {
    const fullFp = fingerprint(member.config, 'full');
    let inputs = variants.get(fullFp);
    if (inputs === undefined) {
      inputs = [];
      variants.set(fullFp, inputs);
      records.push(canonicalRecord(member.config, 'full'));
    }
    inputs.push(inputReference(member));
    names.add(member.config.name);
  }
  return {
    fingerprint: group.fingerprint,
    policy: group.policy,
    inputCount: group.members.length,
    variants: [...variants].map(([fullFingerprint, inputs]) => ({ fullFingerprint, inputs })),
    differences: differences(records),
    names: [...names],
  };
}

function inputReference(member: IdentityInput): InputReference {
  return {
    name: member.config.name,
    ...(member.source === undefined ? {} : { source: member.source }),
    ...(member.origin === undefined ? {} : { line: member.origin.line, from: member.origin.from }),
  };
}

function differences(records: readonly Record<string, CanonicalValue>[]): FieldDifference[] {
  if (records.length < 2) return [];
  const fields: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    for (const field of Object.keys(record)) {
      if (!seen.has(field)) {
        seen.add(field);
        fields.push(field);
      }
    }
  }
  const out: FieldDifference[] = [];
  for (const field of fields) {
    const values: (CanonicalValue | null)[] = [];
    const keys = new Set<string>();
    for (const record of records) {
      const value = record[field] ?? null;
      const key = JSON.stringify(value);
      if (!keys.has(key)) {
        keys.add(key);
        values.push(value);
      }
    }
    if (values.length > 1) out.push({ field, values });
  }
  return out;
}
