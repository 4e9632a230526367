import { createHash } from 'node:crypto';
import type { SubscriptionPreset } from '../../generated/events.ts';

/** Whether a share token may be served now. */
export const PRESET_STATES = {
  active: 'active',
  expired: 'expired',
  exhausted: 'exhausted',
  revoked: 'revoked',
} as const;
export type PresetState = (typeof PRESET_STATES)[keyof typeof PRESET_STATES];

/**
 * A preset's state at `now` given the accesses counted so far (over every replica). Revocation
 * wins over everything, then expiry, then the access limit.
 */
export function presetState(preset: SubscriptionPreset, accesses: number, now: number): PresetState {
  if (preset.revokedAt !== null) return PRESET_STATES.revoked;
  if (preset.expiresAt !== null && now >= preset.expiresAt) return PRESET_STATES.expired;
  if (preset.maxAccesses !== null && accesses >= preset.maxAccesses) return PRESET_STATES.exhausted;
  return PRESET_STATES.active;
}

/** Tokens are stored only as this hash; a lookup hashes what the client presented. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Share tokens are 32 random bytes, base64url: 43 characters. Anything else is not a token. */
export const SHARE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The public view of a preset (never the token hash). */
export function presetView(preset: SubscriptionPreset, accesses: number, now: number) {
  return {
    id: preset.id,
    name: preset.name,
    format: preset.format,
    query: preset.query,
    createdAt: new Date(preset.createdAt).toISOString(),
    createdBy: preset.createdBy,
    expiresAt: preset.expiresAt === null ? null : new Date(preset.expiresAt).toISOString(),
    maxAccesses: preset.maxAccesses,
    accesses,
    revokedAt: preset.revokedAt === null ? null : new Date(preset.revokedAt).toISOString(),
    state: presetState(preset, accesses, now),
  };
}
