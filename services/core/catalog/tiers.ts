/**
 * How much a source is trusted, best first. The tier sets the default fetch interval here
 * and weighs a source's configs in scoring later.
 */
export const TIERS = {
  /** Curated, long-lived aggregators. */
  premium: 'premium',
  /** Maintained sources with a track record. */
  reliable: 'reliable',
  /** Large scraped or aggregated lists: many configs, many dead ones. */
  bulk: 'bulk',
  /** New or unproven sources. */
  experimental: 'experimental',
} as const;
export type Tier = (typeof TIERS)[keyof typeof TIERS];
export const TIER_LIST: readonly Tier[] = Object.values(TIERS);

/** A tier's default interval, in seconds: trusted sources are polled more often. */
export const TIER_DEFAULT_INTERVAL_SECONDS: Readonly<Record<Tier, number>> = {
  premium: 30 * 60,
  reliable: 60 * 60,
  bulk: 2 * 60 * 60,
  experimental: 6 * 60 * 60,
};

/** The tier used when an entry names none. */
export const DEFAULT_TIER: Tier = TIERS.reliable;
