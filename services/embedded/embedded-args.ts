import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';

/** The catalog `npm start` uses when neither --sources nor SUBMERGE_SOURCES_FILE names one. */
export const DEFAULT_SOURCES_FILE = fileURLToPath(
  new URL('../../catalog/sources.default.yaml', import.meta.url),
);

/** Where each flag lands in the environment loadConfig reads: one schema checks both. */
const FLAG_ENV = {
  sources: 'SUBMERGE_SOURCES_FILE',
  port: 'SUBMERGE_HTTP_PORT',
  host: 'SUBMERGE_HTTP_HOST',
  dataDir: 'SUBMERGE_DATA_DIR',
  logLevel: 'SUBMERGE_LOG_LEVEL',
  singboxBin: 'SUBMERGE_SINGBOX_BIN',
} as const;

export type EmbeddedArgs =
  | { readonly kind: 'run'; readonly env: Readonly<Record<string, string | undefined>> }
  | { readonly kind: 'exit'; readonly code: number };

/**
 * `npm start -- [--sources FILE] [--port N] [--host H] [--data-dir DIR] [--log-level L] [--probe]`: the
 * flags become SUBMERGE_* values over the environment (a flag wins over the variable), so
 * loadConfig validates flags and environment together and reports every problem at once.
 * The embedded mode logs at warn unless told otherwise: its own output is the listening line
 * and one line per fetch round.
 */
export function parseEmbeddedArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  /** Where help and usage errors go; default: help to stdout, errors to stderr. */
  write?: (text: string) => void,
): EmbeddedArgs {
  const program = new Command('submerge')
    .description('the whole job in one process: fetch, parse, merge, keep history, serve (no Kafka)')
    .exitOverride()
    .configureOutput({
      writeOut: write ?? ((text) => void process.stdout.write(text)),
      writeErr: write ?? ((text) => void process.stderr.write(text)),
    })
    .option('--sources <file>', `sources catalog (default ${DEFAULT_SOURCES_FILE})`)
    .option('--port <n>', 'port of the read API (default 8080)')
    .option('--host <address>', 'address the read API listens on (default 127.0.0.1)')
    .option('--data-dir <dir>', 'where the event log and history are kept (default ./.data)')
    .option('--log-level <level>', 'fatal, error, warn (default), info, debug, trace or silent')
    .option('--probe', 'also probe the configs through sing-box (real proxy traffic; off by default)')
    .option('--singbox-bin <path>', 'the sing-box binary the prober runs (SUBMERGE_SINGBOX_BIN)');
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { kind: 'exit', code: error.exitCode === 0 ? 0 : 2 };
    throw error;
  }
  const flags = program.opts<Partial<Record<keyof typeof FLAG_ENV, string>> & { probe?: boolean }>();
  const overlay: Record<string, string> = {
    SUBMERGE_MODE: 'embedded',
    SUBMERGE_LOG_LEVEL: env['SUBMERGE_LOG_LEVEL'] ?? 'warn',
    SUBMERGE_SOURCES_FILE: env['SUBMERGE_SOURCES_FILE'] ?? DEFAULT_SOURCES_FILE,
  };
  for (const [flag, name] of Object.entries(FLAG_ENV)) {
    const value = flags[flag as keyof typeof FLAG_ENV];
    if (value !== undefined) overlay[name] = value;
  }
  if (flags.probe === true) overlay['SUBMERGE_EMBEDDED_PROBER'] = 'true';
  return { kind: 'run', env: { ...env, ...overlay } };
}
