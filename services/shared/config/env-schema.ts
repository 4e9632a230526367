import { z } from 'zod';

/**
 * Every environment variable submerge reads, in one schema. Nothing else reads
 * process.env: entry points call loadConfig() once and pass the frozen result down.
 */
const port = z.coerce.number().int().min(1).max(65_535);
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
);

export const ENV_SCHEMA = z.object({
  SUBMERGE_MODE: z.enum(['embedded', 'distributed']).default('embedded'),
  SUBMERGE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SUBMERGE_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  SUBMERGE_HTTP_PORT: port.default(8080),
  SUBMERGE_METRICS_PORT: port.optional(),
  SUBMERGE_DATA_DIR: z.string().min(1).default('.data'),
  SUBMERGE_SOURCES_FILE: z.string().min(1).optional(),
  SUBMERGE_KAFKA_BROKERS: csv.optional(),
  SUBMERGE_KAFKA_CLIENT_ID: z.string().min(1).default('submerge'),
  /**
   * Who writes the processors' transactions: librdkafka needs @confluentinc/kafka-javascript built
   * for this Node (infra/local/up librdkafka); auto uses it when it loads, else kafkajs.
   */
  SUBMERGE_KAFKA_WRITER: z.enum(['auto', 'kafkajs', 'librdkafka']).default('auto'),
  /** Path of the built addon (written by infra/local into its env file); default: resolved by name. */
  SUBMERGE_KAFKA_NATIVE_MODULE: z.string().min(1).optional(),
  SUBMERGE_SCHEMA_REGISTRY_URL: z.url().optional(),
  SUBMERGE_CLICKHOUSE_URL: z.url().optional(),
  SUBMERGE_CLICKHOUSE_USER: z.string().optional(),
  SUBMERGE_CLICKHOUSE_PASSWORD: z.string().optional(),
  SUBMERGE_CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .default('submerge'),
  SUBMERGE_SINGBOX_BIN: z.string().min(1).optional(),
  /** Stable per instance of a service (a pod ordinal): names its transactional id, so a restart fences its predecessor. */
  SUBMERGE_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .default('0'),
  /** Prepended to every topic name (isolated topic sets on a shared broker). */
  SUBMERGE_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,100}$/)
    .default(''),
  /** Generation of the derived topics the parser and merger read and write (a replay builds v2 beside v1). */
  SUBMERGE_TOPICS_VERSION: z
    .string()
    .regex(/^v[1-9][0-9]{0,3}$/)
    .default('v1'),
  SUBMERGE_FINGERPRINT_POLICY: z.enum(['endpoint', 'credential', 'full']).default('credential'),
  /** How long a failing source's configs still count, as a duration (30m, 24h, 2d). */
  SUBMERGE_PARSER_EXPIRE_AFTER: z
    .string()
    .regex(/^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/)
    .refine((s) => s !== '', 'a duration such as 24h')
    .default('24h'),
  SUBMERGE_ALLOW_PRIVATE_ADDRESSES: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Embedded mode: run the prober too (real proxy traffic through sing-box; needs SUBMERGE_SINGBOX_BIN). */
  SUBMERGE_EMBEDDED_PROBER: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /**
   * Embedded mode: the prober's own flags (those of services/prober/main.ts: --address-scope,
   * --test-url, --ca-file, budgets, schedule, core limits), whitespace-separated.
   */
  SUBMERGE_PROBER_ARGS: z.string().max(4000).default(''),
  /** Detector: webhook that receives anomaly alerts (JSON POST with `text` and `alert`); none are sent when unset. */
  SUBMERGE_ALERT_WEBHOOK_URL: z.url().optional(),
  /** Detector: after an alert for a (source, kind), further openings of it stay silent this long unless worse. */
  SUBMERGE_ALERT_COOLDOWN: z
    .string()
    .regex(/^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$/)
    .refine((s) => s !== '', 'a duration such as 1h')
    .default('1h'),
  SUBMERGE_ALERT_MIN_SEVERITY: z.enum(['info', 'warning', 'critical']).default('warning'),
  SUBMERGE_ALERT_NOTIFY_RESOLVED: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Read API: bootstrap keys `id:role:sha256hex,...` (hashes only; further keys are events). */
  SUBMERGE_API_KEYS: z.string().optional(),
  /** Read API: `open` serves subscriptions and data without a key; `key` needs a reader key. */
  SUBMERGE_READ_AUTH: z.enum(['open', 'key']).default('open'),
  /** Read API: requests per minute from one address without a key, and per API key. */
  SUBMERGE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  SUBMERGE_RATE_LIMIT_KEY_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  /** Read API: profile-title and profile-update-interval (hours) of served subscriptions. */
  SUBMERGE_PROFILE_TITLE: z.string().min(1).max(100).default('submerge'),
  SUBMERGE_PROFILE_UPDATE_HOURS: z.coerce.number().int().min(1).max(168).default(6),
  /** Read API: sing-box build features the served sing-box documents may use (wireguard, naive). */
  SUBMERGE_SINGBOX_FEATURES: csv.default(['wireguard']),
  /** Read API: memory for rendered subscriptions (MiB). */
  SUBMERGE_RENDER_CACHE_MB: z.coerce.number().int().min(1).max(4096).default(64),
  /** Read API: trust X-Forwarded-For from these proxies (`true`, or comma-separated addresses/CIDRs) for client addresses. */
  SUBMERGE_TRUST_PROXY: z.string().max(1000).default('false'),
});

export type EnvConfig = z.infer<typeof ENV_SCHEMA>;
export const ENV_NAMES: readonly string[] = Object.keys(ENV_SCHEMA.shape);
