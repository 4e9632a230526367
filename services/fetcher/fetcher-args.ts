import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { FIRST_FETCH } from '../core/fetching/schedule.ts';
import type { FirstFetch } from '../core/fetching/schedule.ts';

/** The fetcher service's own settings (shared ones come from the environment via loadConfig). */
export interface FetcherArgs {
  /** Stable per instance (a pod name); it names the instance in events and its Kafka client. */
  readonly instanceId: string;
  /** The consumer group every fetcher instance joins; instances of one deployment share it. */
  readonly group: string;
  readonly maxConcurrentFetches: number;
  readonly firstFetch: FirstFetch;
  /** Prefixes every topic name: isolates a deployment on a shared broker (tests, benchmarks). */
  readonly topicPrefix: string;
}

const ARGS_SCHEMA = z.object({
  instanceId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, . _ - only (it becomes part of a Kafka client id)'),
  group: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'letters, digits, . _ - only'),
  maxConcurrentFetches: z.coerce.number().int().min(1).max(256),
  firstFetch: z.enum([FIRST_FETCH.nextSlot, FIRST_FETCH.immediately]),
  topicPrefix: z.string().regex(/^[A-Za-z0-9._-]{0,100}$/, 'letters, digits, . _ - only'),
});

export class ArgsError extends Error {
  readonly code = 'ARGS_INVALID';
  readonly retriable = false;
  constructor(readonly problems: readonly string[]) {
    super(`invalid arguments:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Parses argv (without node and the script) into frozen settings; every problem at once. */
export function parseFetcherArgs(
  argv: readonly string[],
  defaultInstance: string = hostname(),
): Readonly<FetcherArgs> {
  const program = new Command('fetcher')
    .description(
      'submerge fetcher: fetches the sources of its share of the catalog and records every attempt',
    )
    .exitOverride()
    .option('--instance-id <id>', 'this instance, stable across restarts', defaultInstance)
    .option('--group <group>', 'consumer group shared by all fetcher instances', 'fetcher')
    .option('--max-concurrent-fetches <n>', 'scheduled fetches in flight at once', '8')
    .addOption(
      new Option('--first-fetch <when>', 'when a newly owned source is first fetched')
        .choices([FIRST_FETCH.nextSlot, FIRST_FETCH.immediately])
        .default(FIRST_FETCH.nextSlot),
    )
    .option(
      '--topic-prefix <prefix>',
      'prefix of every topic name (isolated deployments on a shared broker)',
      '',
    );
  program.parse([...argv], { from: 'user' });
  const parsed = ARGS_SCHEMA.safeParse(program.opts());
  if (!parsed.success) {
    throw new ArgsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return Object.freeze(parsed.data);
}
