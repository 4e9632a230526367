import { z } from 'zod';
import { SOURCE_ID_PATTERN } from '../catalog/source-id.ts';
import { AnalyticsError } from './analytics-error.ts';
import type { InputIssue } from './analytics-error.ts';
import { RESOLUTION_LIST } from './time-range.ts';

/**
 * What each analytics endpoint accepts, as zod schemas: the one source of the JSON schemas the
 * routes declare (z.toJSONSchema) and of the typed, parsed input the builders take. Times are
 * ISO 8601 with an offset (`2026-03-01T00:00:00Z`), parsed to epoch ms.
 */
const isoTime = z.iso
  .datetime({ offset: true })
  .describe('ISO 8601 date-time with offset, e.g. 2026-03-01T00:00:00Z')
  .transform((text) => Date.parse(text));
const resolution = z.enum(RESOLUTION_LIST).describe('Bucket size of the series; default by range length.');

/** Fingerprints are hex digests (sha256 today); any policy's digest length is accepted. */
export const FINGERPRINT_PATTERN = /^[0-9a-f]{16,128}$/;

export const SOURCE_HISTORY_PARAMS = z.strictObject({
  id: z.string().regex(SOURCE_ID_PATTERN, 'not a source id').describe('Source id.'),
});
export const SOURCE_HISTORY_QUERY = z.strictObject({
  from: isoTime.optional().describe('Start (inclusive); default: to minus 7 days.'),
  to: isoTime.optional().describe('End (exclusive); default: now.'),
  resolution: resolution.optional(),
});

export const CONFIG_HISTORY_PARAMS = z.strictObject({
  fingerprint: z
    .string()
    .regex(FINGERPRINT_PATTERN, 'not a fingerprint (lower-case hex)')
    .describe('Config fingerprint.'),
});
export const CONFIG_HISTORY_QUERY = SOURCE_HISTORY_QUERY;

export const OVERVIEW_QUERY = z.strictObject({
  from: isoTime.optional().describe('Start (inclusive); default: to minus 7 days.'),
  to: isoTime.optional().describe('End (exclusive); default: now.'),
  resolution: z
    .enum(['day', 'week'])
    .optional()
    .describe('Bucket size of the protocol mix; default by range.'),
  limit: z.coerce.number().int().min(1).max(100).default(10).describe('Entries in each ranking.'),
  minFetches: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(1)
    .describe('Sources with fewer fetches in the range are left out of the reliability ranking.'),
});

export const EXPORT_DATASETS = {
  fetches: 'fetches',
  snapshots: 'snapshots',
  observations: 'observations',
  sourceHourly: 'source-hourly',
  probes: 'probes',
  scores: 'scores',
  health: 'health',
  anomalies: 'anomalies',
} as const;
export type ExportDataset = (typeof EXPORT_DATASETS)[keyof typeof EXPORT_DATASETS];
export const EXPORT_FORMATS = { csv: 'csv', jsonl: 'jsonl' } as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[keyof typeof EXPORT_FORMATS];
export const MAX_EXPORT_ROWS = 1_000_000;

export const EXPORT_QUERY = z.strictObject({
  dataset: z.enum(Object.values(EXPORT_DATASETS)).describe('What to export.'),
  format: z
    .enum(Object.values(EXPORT_FORMATS))
    .default('jsonl')
    .describe('csv (with a header) or jsonl (JSON lines).'),
  from: isoTime.optional().describe('Start (inclusive); default: to minus 1 day.'),
  to: isoTime.optional().describe('End (exclusive); default: now.'),
  source: z
    .string()
    .regex(SOURCE_ID_PATTERN, 'not a source id')
    .optional()
    .describe('Only this source (scores: configs it carries); not for probes, which belong to configs.'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_EXPORT_ROWS)
    .default(100_000)
    .describe('At most this many rows.'),
});

export type SourceHistoryInput = z.output<typeof SOURCE_HISTORY_PARAMS> &
  z.output<typeof SOURCE_HISTORY_QUERY>;
export type ConfigHistoryInput = z.output<typeof CONFIG_HISTORY_PARAMS> &
  z.output<typeof CONFIG_HISTORY_QUERY>;
export type OverviewInput = z.output<typeof OVERVIEW_QUERY>;
export type ExportInput = z.output<typeof EXPORT_QUERY>;

/**
 * Parses one request's params and query string, reporting every problem at once as
 * ANALYTICS_INVALID_INPUT with `params.<name>` / `query.<name>` paths.
 */
export function parseInput<P extends z.ZodType, Q extends z.ZodType>(
  schemas: { readonly params?: P; readonly query: Q },
  request: { readonly params?: unknown; readonly query?: unknown },
): z.output<P> & z.output<Q> {
  const issues: InputIssue[] = [];
  const parse = <S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> | undefined => {
    const parsed = schema.safeParse(value ?? {});
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [issue.path.join('.')];
      for (const key of keys)
        issues.push({ path: key === '' ? where : `${where}.${key}`, message: issue.message });
    }
    return undefined;
  };
  const params = schemas.params === undefined ? {} : parse(schemas.params, request.params, 'params');
  const query = parse(schemas.query, request.query, 'query');
  if (issues.length > 0 || params === undefined || query === undefined) {
    throw new AnalyticsError(
      'ANALYTICS_INVALID_INPUT',
      `invalid request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return { ...(params as object), ...(query as object) } as z.output<P> & z.output<Q>;
}

/** The JSON schema of a zod schema, as a Fastify route declares it (draft-07, input side). */
export function routeJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
  });
  return json;
}
