import { SORT_KEY_LIST } from '../core/read-model/subscription-query.ts';
import type { SELECTION_PARAMS } from '../core/read-model/subscription-query.ts';
import { FINGERPRINT_POLICY_LIST } from '../core/identity/fingerprint-policy.ts';
import { PROTOCOL_LIST } from '../core/model/protocol.ts';
import { TIER_LIST } from '../core/catalog/tiers.ts';
import { ERROR_SCHEMA } from './errors.ts';

/**
 * JSON schemas shared by routes. Query values that need domain checks (regex safety, known
 * protocols) are declared as bounded strings here and checked by the pure query parser, which
 * answers with specific codes (UNKNOWN_PROTOCOL, REGEX_UNSAFE...) instead of a generic one.
 */
const list = (description: string) =>
  ({
    type: 'array',
    items: { type: 'string', maxLength: 512 },
    maxItems: 16,
    description: `${description} Comma-separated and/or repeated.`,
  }) as const;
const text = (description: string, maxLength = 256) => ({ type: 'string', maxLength, description }) as const;

export const SELECTION_QUERY_PROPERTIES = {
  protocol: list(`Protocols to keep: ${PROTOCOL_LIST.join(', ')}.`),
  country: list('ISO 3166 alpha-2 codes; a config has a country when a name carries its flag emoji.'),
  source: list('Source ids: keep configs carried by any of them.'),
  tier: list(`Source tiers: keep configs carried by a source of any of them (${TIER_LIST.join(', ')}).`),
  minScore: text('Minimum score, 0 to 100; unscored configs are left out when set.', 32),
  include: text('RE2 pattern a name must match (case-insensitive, at most 128 characters).'),
  exclude: text('RE2 pattern a name must not match.'),
  limit: text('At most this many configs (those the format can express).', 16),
  sort: text(`Order, one of ${SORT_KEY_LIST.join(', ')}; ties fall back to the fingerprint.`, 32),
  dedupe: text(
    `Fold configs under a coarser identity than the pipeline merged with: ${FINGERPRINT_POLICY_LIST.join(' < ')}.`,
    32,
  ),
} as const satisfies Record<(typeof SELECTION_PARAMS)[number], unknown>;

export const SELECTION_QUERYSTRING = {
  type: 'object',
  properties: SELECTION_QUERY_PROPERTIES,
} as const;

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: 'error', ...ERROR_SCHEMA }]));
