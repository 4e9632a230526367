/**
 * What makes two configs "the same" for dedupe and merge.
 * - endpoint: protocol + server + port (one entry per reachable server port).
 * - credential (default): endpoint + what authenticates the user (uuid, password, keys...).
 * - full: every connection setting (TLS, transport, protocol options); only the name is ignored.
 */
export const FINGERPRINT_POLICIES = {
  endpoint: 'endpoint',
  credential: 'credential',
  full: 'full',
} as const;
export type FingerprintPolicy = (typeof FINGERPRINT_POLICIES)[keyof typeof FINGERPRINT_POLICIES];
export const FINGERPRINT_POLICY_LIST: readonly FingerprintPolicy[] = Object.values(FINGERPRINT_POLICIES);
export const DEFAULT_FINGERPRINT_POLICY: FingerprintPolicy = FINGERPRINT_POLICIES.credential;

export function isFingerprintPolicy(value: string): value is FingerprintPolicy {
  return (FINGERPRINT_POLICY_LIST as readonly string[]).includes(value);
}
