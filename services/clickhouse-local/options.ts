import { parseArgs } from 'node:util';
import { z } from 'zod';

/** The shim listens on loopback only: it does no authentication. */
export const LOOPBACK_HOST = '127.0.0.1';

const OPTIONS_SCHEMA = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(18_123),
  dataDir: z.string().min(1),
  // Sink batches are the largest bodies we expect (tens of MB); the bound keeps a runaway client
  // from exhausting memory, since the engine takes each statement as one in-memory string.
  maxBodyBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  maxConcurrentQueries: z.coerce.number().int().positive().default(32),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ShimOptions = z.infer<typeof OPTIONS_SCHEMA>;

export type ParsedOptions =
  | { readonly ok: true; readonly options: Readonly<ShimOptions> }
  | { readonly ok: false; readonly problems: readonly string[] };

/** `--port N --data-dir DIR [--max-body-bytes N] [--max-concurrent-queries N] [--log-level L]` */
export function parseShimOptions(argv: readonly string[]): ParsedOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'max-concurrent-queries': { type: 'string' },
        'log-level': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { ok: false, problems: [(error as Error).message] };
  }
  const parsed = OPTIONS_SCHEMA.safeParse({
    port: values['port'],
    dataDir: values['data-dir'],
    maxBodyBytes: values['max-body-bytes'],
    maxConcurrentQueries: values['max-concurrent-queries'],
    logLevel: values['log-level'],
  });
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `--${kebab(String(i.path[0] ?? ''))}: ${i.message}`),
    };
  }
  return { ok: true, options: Object.freeze(parsed.data) };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
