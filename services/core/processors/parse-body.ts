import { parseSubscription } from '../formats/parse-subscription.ts';
import { fingerprint } from '../identity/fingerprint.ts';
import type { FingerprintPolicy } from '../identity/fingerprint-policy.ts';
import { CONTAINER_FORMATS } from '../model/container.ts';
import type { ParsedConfig } from '../model/parse-result.ts';
import type { ParseStats } from './parser-state.ts';

/** One distinct config of a body: the first occurrence of its fingerprint. */
export interface DistinctConfig {
  readonly fingerprint: string;
  readonly parsed: ParsedConfig;
}

export interface ParsedBody {
  readonly stats: ParseStats;
  /** In order of first appearance in the body. */
  readonly distinct: readonly DistinctConfig[];
}

export interface ParseBodyOptions {
  readonly policy: FingerprintPolicy;
  readonly allowPrivateAddresses: boolean;
  readonly maxBytes: number;
}

/** Containers that say the body is not a subscription at all (an error page, nothing, noise). */
const NOT_A_SUBSCRIPTION: ReadonlySet<string> = new Set([
  CONTAINER_FORMATS.html,
  CONTAINER_FORMATS.empty,
  CONTAINER_FORMATS.unknown,
]);

/**
 * Parses a body and folds it to one config per fingerprint, as `dedupe` would: the first
 * occurrence represents its identity. Counts every valid config per protocol and every
 * diagnostic per reason code for the snapshot.
 */
export function parseBody(bytes: Uint8Array, options: ParseBodyOptions): ParsedBody {
  const result = parseSubscription(bytes, {
    allowPrivateAddresses: options.allowPrivateAddresses,
    maxBytes: options.maxBytes,
  });
  const protocols: Record<string, number> = {};
  const diagnostics: Record<string, number> = {};
  const seen = new Set<string>();
  const distinct: DistinctConfig[] = [];
  for (const parsed of result.configs) {
    const protocol = parsed.config.protocol;
    protocols[protocol] = (protocols[protocol] ?? 0) + 1;
    const fp = fingerprint(parsed.config, options.policy);
    if (seen.has(fp)) continue;
    seen.add(fp);
    distinct.push({ fingerprint: fp, parsed });
  }
  for (const d of result.diagnostics) diagnostics[d.code] = (diagnostics[d.code] ?? 0) + 1;
  return {
    stats: {
      container: result.container,
      bytes: bytes.byteLength,
      configs: result.configs.length,
      uniqueConfigs: distinct.length,
      protocols: sortedRecord(protocols),
      diagnostics: sortedRecord(diagnostics),
    },
    distinct,
  };
}

/**
 * A body counts as the source's new set only when it is a subscription with at least one valid
 * config: an error page, an empty or unreadable body keeps the previous set instead of wiping it.
 */
export function isUsable(parsed: ParsedBody): boolean {
  return parsed.distinct.length > 0 && !NOT_A_SUBSCRIPTION.has(parsed.stats.container);
}

/** Keys sorted so snapshots (and replays of them) are byte-identical. */
function sortedRecord(record: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] ?? 0;
  return out;
}
