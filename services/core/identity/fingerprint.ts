import { hash } from 'node:crypto';
import type { ProxyConfig } from '../model/config.ts';
import { canonicalPairs } from './canonical-record.ts';
import { DEFAULT_FINGERPRINT_POLICY, type FingerprintPolicy } from './fingerprint-policy.ts';

/** Bumped only if the canonical encoding changes meaning; it is part of the hashed text. */
const ENCODING_VERSION = 'submerge-fp-1';

/**
 * A stable identity for a config under a policy: lower-case hex SHA-256 of a canonical
 * JSON encoding (version, policy, canonical key/value pairs). Pure and deterministic, so the same
 * config gets the same fingerprint in every process, run and machine. Never reads the name.
 */
export function fingerprint(
  config: ProxyConfig,
  policy: FingerprintPolicy = DEFAULT_FINGERPRINT_POLICY,
): string {
  return hash('sha256', canonicalText(config, policy), 'hex');
}

/** The exact text that is hashed: a JSON array of version, policy and the canonical key/value pairs. */
export function canonicalText(
  config: ProxyConfig,
  policy: FingerprintPolicy = DEFAULT_FINGERPRINT_POLICY,
): string {
  return JSON.stringify(canonicalPairs(config, policy, [ENCODING_VERSION, policy]));
}
