export * from './fingerprint-policy.ts';
export { fingerprint, canonicalText } from './fingerprint.ts';
export { canonicalRecord } from './canonical-record.ts';
export type { CanonicalRecord, CanonicalValue } from './canonical-record.ts';
export { normalizeHost, normalizeIpv6 } from './normalize-host.ts';
export { canonicalXrayId, canonicalUuid } from './canonical-id.ts';
export { mergeVariants, explain } from './merge-variants.ts';
export type {
  IdentityInput,
  IdentityGroup,
  IdentityExplanation,
  VariantExplanation,
  FieldDifference,
  InputReference,
} from './merge-variants.ts';
