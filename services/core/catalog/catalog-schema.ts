import { z } from 'zod';
import { CATALOG_ISSUE_CODES } from './catalog-issue.ts';
import type { CatalogIssueCode } from './catalog-issue.ts';
import { MAX_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS, formatInterval, parseInterval } from './interval.ts';
import { SOURCE_FORMAT_LIST, SOURCE_FORMATS } from './source-format.ts';
import { SOURCE_ID_PATTERN } from './source-id.ts';
import { DEFAULT_TIER, TIER_LIST } from './tiers.ts';

/** Our code travels with a zod issue in `params`, so mapping issues back needs no guessing. */
export interface IssueParams {
  readonly code: CatalogIssueCode;
}

const fail = (ctx: z.RefinementCtx, code: CatalogIssueCode, message: string): void => {
  ctx.addIssue({ code: 'custom', message, params: { code } satisfies IssueParams });
};

export const MAX_URL_LENGTH = 2048;
export const TAG_PATTERN = /^[a-z0-9][a-z0-9._:/-]{0,63}$/;

const idSchema = z.string().superRefine((id, ctx) => {
  if (!SOURCE_ID_PATTERN.test(id)) {
    fail(
      ctx,
      CATALOG_ISSUE_CODES.invalidId,
      `${JSON.stringify(id)} is not a valid id: use 1-100 lower-case letters, digits, '.', '_' or '-', starting and ending with a letter or digit`,
    );
  }
});

/** Accepts http(s) URLs only and returns them normalised (`new URL().href`). */
export const urlSchema = z.string().transform((text, ctx) => {
  const trimmed = text.trim();
  if (trimmed.length > MAX_URL_LENGTH) {
    fail(ctx, CATALOG_ISSUE_CODES.invalidUrl, `URL is longer than ${MAX_URL_LENGTH} characters`);
    return z.NEVER;
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    fail(ctx, CATALOG_ISSUE_CODES.invalidUrl, `${JSON.stringify(text)} is not a valid absolute URL`);
    return z.NEVER;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(
      ctx,
      CATALOG_ISSUE_CODES.unsupportedUrlScheme,
      `only http and https URLs are allowed (got ${JSON.stringify(url.protocol.slice(0, -1))})`,
    );
    return z.NEVER;
  }
  if (url.username !== '' || url.password !== '') {
    // fetch() refuses URLs with credentials, and they would leak into logs and events.
    fail(ctx, CATALOG_ISSUE_CODES.invalidUrl, 'credentials in the URL (user:password@) are not supported');
    return z.NEVER;
  }
  if (url.hostname === '') {
    fail(ctx, CATALOG_ISSUE_CODES.invalidUrl, `${JSON.stringify(text)} has no host`);
    return z.NEVER;
  }
  return url.href;
});

const intervalSchema = z.string().transform((text, ctx) => {
  const seconds = parseInterval(text);
  if (seconds === undefined) {
    fail(
      ctx,
      CATALOG_ISSUE_CODES.invalidInterval,
      `${JSON.stringify(text)} is not a duration: write e.g. 30m, 1h, 1h30m, 90s or 1d`,
    );
    return z.NEVER;
  }
  if (seconds < MIN_INTERVAL_SECONDS || seconds > MAX_INTERVAL_SECONDS) {
    fail(
      ctx,
      CATALOG_ISSUE_CODES.intervalOutOfBounds,
      `${JSON.stringify(text)} is out of bounds: must be between ${formatInterval(MIN_INTERVAL_SECONDS)} and ${formatInterval(MAX_INTERVAL_SECONDS)}`,
    );
    return z.NEVER;
  }
  return seconds;
});

const tagSchema = z.string().superRefine((tag, ctx) => {
  if (!TAG_PATTERN.test(tag)) {
    fail(
      ctx,
      CATALOG_ISSUE_CODES.invalidTag,
      `${JSON.stringify(tag)} is not a valid tag: use up to 64 lower-case letters, digits and . _ : / -`,
    );
  }
});

export const ENTRY_FIELDS = ['id', 'urls', 'tier', 'format', 'interval', 'tags', 'enabled'] as const;

export const entrySchema = z.strictObject({
  id: idSchema,
  urls: z.array(urlSchema).superRefine((urls, ctx) => {
    if (urls.length === 0) fail(ctx, CATALOG_ISSUE_CODES.emptyUrls, 'needs at least one URL (the primary)');
  }),
  tier: z.enum(TIER_LIST as [string, ...string[]]).default(DEFAULT_TIER),
  format: z.enum(SOURCE_FORMAT_LIST as [string, ...string[]]).default(SOURCE_FORMATS.auto),
  /** Seconds; absent means the tier's default. */
  interval: intervalSchema.optional(),
  tags: z.array(tagSchema).default([]),
  enabled: z.boolean().default(true),
});

export const ROOT_FIELDS = ['sources', 'allowPrivateAddresses'] as const;

/** Entries are checked one by one afterwards, so one bad entry never hides another's problems. */
export const rootSchema = z.strictObject({
  sources: z.array(z.unknown()),
  allowPrivateAddresses: z.boolean().default(false),
});
