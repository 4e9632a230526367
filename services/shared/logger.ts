import { pino } from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly service: string;
  readonly level?: Level | 'silent';
  /** Where lines go (default stdout). Tests pass a collecting stream. */
  readonly destination?: DestinationStream;
  /** Human-readable lines instead of JSON; default: only when stdout is a TTY and no destination is given. */
  readonly pretty?: boolean;
}

/**
 * The process's root logger: JSON lines with a `service` binding, ISO times and a `level`
 * label. Components take a child with their own bindings (processorLogger). A human at a
 * terminal gets short readable lines instead; machines always get JSON.
 */
export function createLogger({ service, level = 'info', destination, pretty }: LoggerOptions): Logger {
  const human = pretty ?? (destination === undefined && process.stdout.isTTY);
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? (human ? prettyStream(process.stdout) : pino.destination({ dest: 1, sync: false })),
  );
}

/** The bindings the run loop logs with, so one processor's partition can be followed in the logs. */
export function processorLogger(
  root: Logger,
  bindings: { readonly processor: string; readonly topic?: string; readonly partition?: number },
): Logger {
  return root.child(bindings);
}

const SKIPPED = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

/** One short line per entry (`12:00:01 INFO  [merger] started topic=x`); no dependency needed for a terminal. */
function prettyStream(out: NodeJS.WritableStream): DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const time = typeof entry['time'] === 'string' ? entry['time'].slice(11, 19) : '';
      const text = (value: unknown): string =>
        typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
      const level = text(entry['level']).toUpperCase().padEnd(5);
      const where = text(entry['processor'] ?? entry['service']);
      const rest = Object.entries(entry)
        .filter(([k]) => !SKIPPED.has(k) && k !== 'processor')
        .map(([k, v]) => `${k}=${text(v)}`)
        .join(' ');
      out.write(`${time} ${level} [${where}] ${text(entry['msg'] ?? '')}${rest ? ` ${rest}` : ''}\n`);
    },
  };
}
