import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * The sink's own tuning, from its command line. Everything it shares with the other services
 * (where Kafka, the registry and ClickHouse are, topic prefix and generation, instance id)
 * comes from the environment, read once by loadConfig. Parsed once, every problem at once.
 */
const OPTIONS_SCHEMA = z.strictObject({
  /** Consumer group stem; the topic prefix and a non-first generation are added to it. */
  group: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, dot, underscore, dash')
    .default('clickhouse-sink'),
  batchRecords: z.coerce.number().int().min(1).max(1_000_000).default(50_000),
  flushIntervalMs: z.coerce.number().int().min(10).max(600_000).default(1_000),
  startFrom: z.enum(['earliest', 'latest']).default('earliest'),
  /** How long the broker waits for a silent instance before handing its partitions on. */
  sessionTimeoutMs: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  /** Apply the migrations at start (default) or only check that none is pending. */
  migrate: z.enum(['apply', 'check']).default('apply'),
});

export type SinkOptions = z.infer<typeof OPTIONS_SCHEMA>;

export type ParsedSinkOptions =
  | { readonly ok: true; readonly options: Readonly<SinkOptions> }
  | { readonly ok: false; readonly problems: readonly string[] };

const FLAGS = {
  group: 'group',
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
    const flagOf = new Map<string, string>(Object.entries(FLAGS).map(([flag, key]) => [key, flag]));
    return {
      ok: false,
      problems: parsed.error.issues.map(
        (i) => `--${flagOf.get(String(i.path[0] ?? '')) ?? '?'}: ${i.message}`,
      ),
    };
  }
  return { ok: true, options: Object.freeze(parsed.data) };
}
