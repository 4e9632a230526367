/**
 * `npm start`: the embedded mode, the whole job in one process without Kafka.
 *
 *   npm start -- [--sources FILE] [--port N] [--host ADDRESS] [--data-dir DIR] [--log-level LEVEL]
 *
 * Defaults: catalog/sources.default.yaml, 127.0.0.1:8080, ./.data, log level warn. Flags and the
 * SUBMERGE_* environment are read once, through loadConfig. Prints where the read API listens
 * and one line per fetch round on stdout; logs go to stderr. SIGINT/SIGTERM stop it cleanly
 * (a second signal exits at once); the next start restores everything from the data directory.
 */
import { ConfigError, loadConfig } from '../shared/config/load-config.ts';
import { createLogger } from '../shared/logger.ts';
import { stopOnSignals } from '../shared/runtime/shutdown.ts';
import { parseEmbeddedArgs } from './embedded-args.ts';
import { startEmbedded } from './start-embedded.ts';

export const EMBEDDED_EXIT_CODES = { ok: 0, crashed: 1, config: 2 } as const;

export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const args = parseEmbeddedArgs(argv, env);
  if (args.kind === 'exit') return args.code;
  let config;
  try {
    config = loadConfig(args.env);
  } catch (error) {
    const message = error instanceof ConfigError || error instanceof Error ? error.message : String(error);
    process.stderr.write(`submerge: ${message}\n`);
    return EMBEDDED_EXIT_CODES.config;
  }
  const logger = createLogger({
    service: 'submerge',
    level: config.SUBMERGE_LOG_LEVEL,
    destination: process.stderr,
  });
  const say = (line: string): void => void process.stdout.write(`${line}\n`);

  let run;
  try {
    run = await startEmbedded({ config, logger, say });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    process.stderr.write(
      `submerge: could not start${typeof code === 'string' ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return code === 'CATALOG_INVALID' ||
      code === 'CATALOG_UNREADABLE' ||
      code === 'PROBER_WITHOUT_SINGBOX' ||
      code === 'PROBER_ARGS_INVALID'
      ? EMBEDDED_EXIT_CODES.config
      : EMBEDDED_EXIT_CODES.crashed;
  }
  const removeHandlers = stopOnSignals([{ stop: () => run.stop() }], {
    logger,
    exit: (code) => {
      say(code === 0 ? 'submerge: stopped' : 'submerge: stopped with errors');
      process.exit(code);
    },
  });
  try {
    await run.done;
    return EMBEDDED_EXIT_CODES.ok;
  } catch {
    return EMBEDDED_EXIT_CODES.crashed;
  } finally {
    removeHandlers();
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), process.env);
}
