import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * The sink's own knobs, from its command line (the environment, read once by loadConfig, says
 * where Kafka, the registry and ClickHouse are). Parsed once, every problem reported at once.
 */
const OPTIONS_SCHEMA = z.strictObject({
  /** Prepended to every topic name, as the catalogue does (isolated test runs, replays). */
  topicPrefix: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, dot, underscore, dash')
    .default(''),
  group: z.string().min(1).default('clickhouse-sink'),
  /** Stable per instance (a pod name): the transactional id, so a restart fences its predecessor. */
  instance: z.string().min(1).default(hostname()),
  batchRecords: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
  flushIntervalMs: z.coerce.number().int().min(10).max(600_000).default(1_000),
  startFrom: z.enum(['earliest', 'latest']).default('earliest'),
  /** How long the broker waits for a silent instance before handing its partitions on. */
  sessionTimeoutMs: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  /** Apply the migrations at start (default) or only check that they are applied. */
  migrate: z.enum(['apply', 'skip']).default('apply'),
});

export type SinkOptions = z.infer<typeof OPTIONS_SCHEMA>;

export type ParsedSinkOptions =
  | { readonly ok: true; readonly options: Readonly<SinkOptions> }
  | { readonly ok: false; readonly problems: readonly string[] };

const FLAGS = {
  'topic-prefix': 'topicPrefix',
  group: 'group',
  instance: 'instance',
  'batch-records': 'batchRecords',
  'flush-interval-ms': 'flushIntervalMs',
  'start-from': 'startFrom',
  'session-timeout-ms': 'sessionTimeoutMs',
  migrate: 'migrate',
} as const;

export function parseSinkOptions(argv: readonly string[]): ParsedSinkOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { ok: false, problems: [error instanceof Error ? error.message : String(error)] };
  }
  const input = Object.fromEntries(
    Object.entries(FLAGS).flatMap(([flag, key]) => (values[flag] === undefined ? [] : [[key, values[flag]]])),
  );
  const parsed = OPTIONS_SCHEMA.safeParse(input);
  if (!parsed.success) {
    const flagOf = new Map(Object.entries(FLAGS).map(([flag, key]) => [key as string, flag]));
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (i) => `--${flagOf.get(String(i.path[0] ?? '')) ?? '?'}: ${i.message}`,
      ),
    };
  }
  return { ok: true, options: Object.freeze(parsed.data) };
}
