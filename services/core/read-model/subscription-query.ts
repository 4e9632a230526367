import { FINGERPRINT_POLICY_LIST, isFingerprintPolicy } from '../identity/fingerprint-policy.ts';
import type { FingerprintPolicy } from '../identity/fingerprint-policy.ts';
import { isProtocol, PROTOCOL_LIST } from '../model/protocol.ts';
import type { Protocol } from '../model/protocol.ts';
import { TIER_LIST } from '../catalog/tiers.ts';
import type { Tier } from '../catalog/tiers.ts';
import { SOURCE_ID_PATTERN } from '../catalog/source-id.ts';
import { SCORE_MAX } from '../scoring/score-points.ts';
import { COUNTRY_PATTERN } from './country.ts';
import { compileNamePattern } from './name-pattern.ts';
import type { NameMatcher, PatternIssue } from './name-pattern.ts';

/** How a selection is ordered; ties always fall back to the fingerprint so every replica agrees. */
export const SORT_KEYS = {
  /** Stable and meaningless: the default, cheapest, and what keeps ETags stable. */
  fingerprint: 'fingerprint',
  /** Highest score first; unscored configs last. */
  score: 'score',
  /** Fastest latest probe first; unprobed configs last. */
  latency: 'latency',
  /** Display name, A to Z. */
  name: 'name',
  /** Most recently first seen first. */
  newest: 'newest',
  /** Most recently seen (by any source) first. */
  recent: 'recent',
  /** Carried by the most sources first. */
  sources: 'sources',
} as const;
export type SortKey = (typeof SORT_KEYS)[keyof typeof SORT_KEYS];
export const SORT_KEY_LIST: readonly SortKey[] = Object.values(SORT_KEYS);

export const QUERY_ISSUES = {
  unknownProtocol: 'UNKNOWN_PROTOCOL',
  invalidCountry: 'INVALID_COUNTRY',
  invalidSource: 'INVALID_SOURCE',
  unknownTier: 'UNKNOWN_TIER',
  invalidScore: 'INVALID_SCORE',
  invalidLimit: 'INVALID_LIMIT',
  unknownSort: 'UNKNOWN_SORT',
  unknownDedupe: 'UNKNOWN_DEDUPE_POLICY',
  tooManyValues: 'TOO_MANY_VALUES',
} as const;
export type QueryIssueCode = (typeof QUERY_ISSUES)[keyof typeof QUERY_ISSUES] | PatternIssue;

export interface QueryIssue {
  readonly code: QueryIssueCode;
  /** The query parameter at fault. */
  readonly param: string;
  readonly message: string;
}

/** A validated selection: which configs, in what order, how many. Lists are sorted and unique. */
export interface SelectionQuery {
  readonly protocols: readonly Protocol[] | null;
  readonly countries: readonly string[] | null;
  readonly sources: readonly string[] | null;
  readonly tiers: readonly Tier[] | null;
  readonly minScore: number | null;
  readonly include: NameMatcher | null;
  readonly exclude: NameMatcher | null;
  readonly limit: number | null;
  readonly sort: SortKey;
  /** A coarser identity than the pipeline's folds more configs together; null keeps the pipeline's. */
  readonly dedupe: FingerprintPolicy | null;
}

/** The query parameters every selection understands (subscriptions, /configs, presets). */
export const SELECTION_PARAMS = [
  'protocol',
  'country',
  'source',
  'tier',
  'minScore',
  'include',
  'exclude',
  'limit',
  'sort',
  'dedupe',
] as const;
export type SelectionParam = (typeof SELECTION_PARAMS)[number];
export type RawQuery = Readonly<Partial<Record<string, string | readonly string[] | undefined>>>;

export interface SelectionLimits {
  /** Largest `limit` accepted. */
  readonly maxLimit: number;
  /** Most values one list parameter may carry. */
  readonly maxListValues: number;
}

export const DEFAULT_SELECTION_LIMITS: SelectionLimits = { maxLimit: 100_000, maxListValues: 64 };

export type ParseResult =
  | {
      readonly ok: true;
      readonly query: SelectionQuery;
      readonly key: string;
      readonly normalized: Readonly<Record<string, string>>;
    }
  | { readonly ok: false; readonly issues: readonly QueryIssue[] };

/**
 * Validates selection parameters. Lists are comma-separated and may repeat (`protocol=vless&protocol=trojan`);
 * values are trimmed, de-duplicated and sorted, so equivalent queries share one normalized form:
 * `key` (the cache key part) and `normalized` (what a preset stores). Unknown parameters are
 * ignored: clients append their own (`flag=`, `t=`) and must still be served.
 */
export function parseSelection(
  raw: RawQuery,
  limits: SelectionLimits = DEFAULT_SELECTION_LIMITS,
): ParseResult {
  const issues: QueryIssue[] = [];
  const list = (param: SelectionParam, normalize: (v: string) => string = (v) => v): string[] | null => {
    const value = raw[param];
    if (value === undefined) return null;
    const parts = (typeof value === 'string' ? [value] : value)
      .flatMap((v) => v.split(','))
      .map((v) => normalize(v.trim()))
      .filter((v) => v !== '');
    if (parts.length === 0) return null;
    if (parts.length > limits.maxListValues) {
      issues.push({
        code: QUERY_ISSUES.tooManyValues,
        param,
        message: `${param}: at most ${limits.maxListValues} values`,
      });
      return null;
    }
    return [...new Set(parts)].sort();
  };
  const single = (param: SelectionParam): string | null => {
    const value = raw[param];
    if (value === undefined) return null;
    const text = typeof value === 'string' ? value : value.at(-1);
    return text === undefined || text.trim() === '' ? null : text;
  };
  const checked = <T extends string>(
    param: SelectionParam,
    values: string[] | null,
    accept: (v: string) => v is T,
    code: QueryIssueCode,
    expected: string,
  ): T[] | null => {
    if (values === null) return null;
    const bad = values.filter((v) => !accept(v));
    if (bad.length > 0) {
      issues.push({
        code,
        param,
        message: `${param}: ${bad.map((b) => JSON.stringify(b.slice(0, 40))).join(', ')} not one of ${expected}`,
      });
      return null;
    }
    return values as T[];
  };

  const protocols = checked(
    'protocol',
    list('protocol', (p) => p.toLowerCase()),
    isProtocol,
    QUERY_ISSUES.unknownProtocol,
    PROTOCOL_LIST.join(', '),
  );
  const countries = checked(
    'country',
    list('country', (c) => c.toUpperCase()),
    (c): c is string => COUNTRY_PATTERN.test(c),
    QUERY_ISSUES.invalidCountry,
    'two-letter ISO 3166 codes',
  );
  const sources = checked(
    'source',
    list('source'),
    (s): s is string => SOURCE_ID_PATTERN.test(s),
    QUERY_ISSUES.invalidSource,
    'source ids',
  );
  const tiers = checked(
    'tier',
    list('tier', (t) => t.toLowerCase()),
    (t): t is Tier => (TIER_LIST as readonly string[]).includes(t),
    QUERY_ISSUES.unknownTier,
    TIER_LIST.join(', '),
  );

  let minScore: number | null = null;
  const scoreText = single('minScore');
  if (scoreText !== null) {
    const n = Number(scoreText);
    if (!Number.isFinite(n) || n < 0 || n > SCORE_MAX) {
      issues.push({
        code: QUERY_ISSUES.invalidScore,
        param: 'minScore',
        message: `minScore: a number between 0 and ${SCORE_MAX} (the score scale)`,
      });
    } else minScore = n;
  }

  let limit: number | null = null;
  const limitText = single('limit');
  if (limitText !== null) {
    const n = Number(limitText);
    if (!Number.isInteger(n) || n < 1 || n > limits.maxLimit) {
      issues.push({
        code: QUERY_ISSUES.invalidLimit,
        param: 'limit',
        message: `limit: an integer between 1 and ${limits.maxLimit}`,
      });
    } else limit = n;
  }

  let sort: SortKey = SORT_KEYS.fingerprint;
  const sortText = single('sort');
  if (sortText !== null) {
    if ((SORT_KEY_LIST as readonly string[]).includes(sortText)) sort = sortText as SortKey;
    else
      issues.push({
        code: QUERY_ISSUES.unknownSort,
        param: 'sort',
        message: `sort: one of ${SORT_KEY_LIST.join(', ')}`,
      });
  }

  let dedupe: FingerprintPolicy | null = null;
  const dedupeText = single('dedupe');
  if (dedupeText !== null) {
    if (isFingerprintPolicy(dedupeText)) dedupe = dedupeText;
    else
      issues.push({
        code: QUERY_ISSUES.unknownDedupe,
        param: 'dedupe',
        message: `dedupe: one of ${FINGERPRINT_POLICY_LIST.join(', ')}`,
      });
  }

  const pattern = (param: 'include' | 'exclude'): NameMatcher | null => {
    const source = single(param);
    if (source === null) return null;
    const compiled = compileNamePattern(source);
    if (typeof compiled === 'string') {
      issues.push({ code: compiled, param, message: `${param}: ${PATTERN_MESSAGES[compiled]}` });
      return null;
    }
    return compiled;
  };
  const include = pattern('include');
  const exclude = pattern('exclude');

  if (issues.length > 0) return { ok: false, issues };
  const query: SelectionQuery = {
    protocols,
    countries,
    sources,
    tiers,
    minScore,
    include,
    exclude,
    limit,
    sort,
    dedupe,
  };
  const normalized = normalizedParams(query);
  return { ok: true, query, normalized, key: selectionKey(normalized) };
}

const PATTERN_MESSAGES: Readonly<Record<PatternIssue, string>> = {
  REGEX_TOO_LONG: 'pattern longer than 128 characters',
  REGEX_INVALID: 'not a valid RE2 regular expression (no back-references or look-arounds)',
  REGEX_UNSAFE: 'pattern with nested or too many quantifiers (catastrophic backtracking risk)',
};

/** The query as parameter -> value, defaults left out: what presets store and keys derive from. */
export function normalizedParams(query: SelectionQuery): Record<string, string> {
  const out: Record<string, string> = {};
  if (query.protocols !== null) out['protocol'] = query.protocols.join(',');
  if (query.countries !== null) out['country'] = query.countries.join(',');
  if (query.sources !== null) out['source'] = query.sources.join(',');
  if (query.tiers !== null) out['tier'] = query.tiers.join(',');
  if (query.minScore !== null) out['minScore'] = String(query.minScore);
  if (query.include !== null) out['include'] = query.include.source;
  if (query.exclude !== null) out['exclude'] = query.exclude.source;
  if (query.limit !== null) out['limit'] = String(query.limit);
  if (query.sort !== SORT_KEYS.fingerprint) out['sort'] = query.sort;
  if (query.dedupe !== null) out['dedupe'] = query.dedupe;
  return out;
}

/** A canonical string for a normalized query (parameters in a fixed order, values encoded). */
export function selectionKey(normalized: Readonly<Record<string, string>>): string {
  let key = '';
  for (const param of SELECTION_PARAMS) {
    const value = normalized[param];
    if (value !== undefined) key += `${key === '' ? '' : '&'}${param}=${encodeURIComponent(value)}`;
  }
  return key;
}
