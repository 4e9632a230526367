import { z } from 'zod';
import { CLICKHOUSE_ERROR, ClickHouseAdapterError } from './clickhouse-error.ts';

/**
 * Where ClickHouse is. `http` is a real server (production, compose) or the local shim
 * (services/clickhouse-local) that every process shares in local runs; `embedded` is chDB in
 * this very process, for the single-process embedded mode and for unit tests. Whichever it is,
 * callers get the official client and cannot tell the difference.
 */
export type ClickHouseConfig =
  | {
      readonly mode: 'http';
      readonly url: string;
      readonly username?: string;
      readonly password?: string;
      readonly database?: string;
    }
  | {
      readonly mode: 'embedded';
      /** chDB data directory; one per process, and never one another process has open. */
      readonly dataDir: string;
      readonly database?: string;
    };

export const CLICKHOUSE_MODE = { http: 'http', embedded: 'embedded' } as const;
export type ClickHouseMode = (typeof CLICKHOUSE_MODE)[keyof typeof CLICKHOUSE_MODE];

// Database names reach SQL as identifiers (USE, the HTTP `database` parameter); keep them plain.
const databaseName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier');

const CONFIG_SCHEMA = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal(CLICKHOUSE_MODE.http),
    url: z.url({ protocol: /^https?$/ }),
    username: z.string().optional(),
    password: z.string().optional(),
    database: databaseName.optional(),
  }),
  z.strictObject({
    mode: z.literal(CLICKHOUSE_MODE.embedded),
    dataDir: z.string().min(1),
    database: databaseName.optional(),
  }),
]);

/** Validate a config once, reporting every problem; returns it frozen. */
export function parseClickHouseConfig(input: unknown): Readonly<ClickHouseConfig> {
  const parsed = CONFIG_SCHEMA.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ClickHouseAdapterError(
      CLICKHOUSE_ERROR.configInvalid,
      `invalid ClickHouse config:\n  - ${problems.join('\n  - ')}`,
    );
  }
  // Zod's output marks optionals `| undefined`; strict parsing never adds absent keys.
  return Object.freeze(parsed.data as ClickHouseConfig);
}
