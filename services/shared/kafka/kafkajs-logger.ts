import { logLevel } from 'kafkajs';
import type { logCreator } from 'kafkajs';
import type { Logger } from '../logger.ts';

/** Routes kafkajs' own log lines into our pino logger, under `component: kafkajs`. */
export function kafkajsLogCreator(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const {
        message,
        timestamp: _timestamp,
        logger: _name,
        ...rest
      } = log as { message: string } & Record<string, unknown>;
      const entry = { namespace, ...rest };
      if (level === logLevel.ERROR) child.error(entry, message);
      else if (level === logLevel.WARN) child.warn(entry, message);
      else if (level === logLevel.INFO) child.info(entry, message);
      else child.debug(entry, message);
    };
}
