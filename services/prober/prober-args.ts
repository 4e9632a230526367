import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { parseInterval } from '../core/catalog/interval.ts';
import { ADDRESS_SCOPES } from '../core/probing/address-scope.ts';
import type { AddressScope } from '../core/probing/address-scope.ts';
import { DEFAULT_RUN_BUDGET } from '../core/probing/budget.ts';
import type { RunBudget } from '../core/probing/budget.ts';
import { DEFAULT_SCHEDULE_POLICY } from '../core/probing/schedule.ts';
import type { SchedulePolicy } from '../core/probing/schedule.ts';
import { parseStatusRanges } from '../core/probing/status-ranges.ts';
import type { CoreLimits } from './core-process.ts';

/** The prober's own settings (shared ones — Kafka, topics, sing-box binary — come from the environment). */
export interface ProberArgs {
  readonly instanceId: string;
  readonly vantage: string;
  /** Consumer group; default `prober.<vantage>`, so each vantage probes every config. */
  readonly group: string | undefined;
  readonly testUrl: URL;
  readonly acceptStatus: (status: number) => boolean;
  readonly acceptStatusText: string;
  readonly scope: AddressScope;
  /** PEM file of extra trusted certificates, added to the system roots for every check. */
  readonly caFile: string | undefined;
  readonly cheapTimeoutMs: number;
  readonly proxyTimeoutMs: number;
  readonly budget: RunBudget;
  readonly schedule: SchedulePolicy;
  readonly coreLimits: Partial<CoreLimits>;
  readonly runIntervalMs: number;
  readonly idleMs: number;
  readonly singBoxBin: string | undefined;
}

const id = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - only (it names Kafka groups and topics)');
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const duration = z.string().transform((text, ctx) => {
  const seconds = parseInterval(text);
  if (seconds === undefined || seconds <= 0) {
    ctx.addIssue({ code: 'custom', message: `not a duration such as 30s, 10m, 6h: ${text}` });
    return z.NEVER;
  }
  return seconds * 1000;
});

const ARGS_SCHEMA = z.object({
  instanceId: id,
  vantage: id,
  group: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,200}$/)
    .optional(),
  testUrl: z.string().transform((text, ctx) => {
    try {
      const url = new URL(text);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: `not an http(s) URL: ${text}` });
    return z.NEVER;
  }),
  acceptStatus: z
    .string()
    .refine((t) => parseStatusRanges(t) !== undefined, 'status ranges such as 200-399 or 204,200-299'),
  addressScope: z.enum([ADDRESS_SCOPES.public, ADDRESS_SCOPES.private, ADDRESS_SCOPES.loopback]),
  caFile: z.string().min(1).optional(),
  cheapTimeoutMs: count(100, 60_000),
  proxyTimeoutMs: count(100, 120_000),
  maxConfigsPerRun: count(1, 1_000_000),
  maxMbPerRun: count(1, 1_000_000),
  rate: count(1, 100_000),
  burst: count(1, 100_000),
  cheapConcurrency: count(1, 4_096),
  coreProcesses: count(1, 64),
  coreBatchSize: count(1, 2_000),
  requestsPerCore: count(1, 2_000),
  coreMaxRssMb: count(32, 65_536),
  coreMaxLifetime: duration,
  healthyInterval: duration,
  healthyMax: duration,
  failingInterval: duration,
  failingMax: duration,
  flappingInterval: duration,
  runInterval: duration,
  idle: duration,
  singboxBin: z.string().min(1).optional(),
});

export class ArgsError extends Error {
  readonly code = 'ARGS_INVALID';
  readonly retriable = false;
  constructor(readonly problems: readonly string[]) {
    super(`invalid arguments:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Parses argv (without node and the script) into frozen settings; every problem at once. */
export function parseProberArgs(
  argv: readonly string[],
  defaultInstance: string = hostname(),
): Readonly<ProberArgs> {
  const b = DEFAULT_RUN_BUDGET;
  const program = new Command('prober')
    .description(
      'submerge prober: probes its share of the current configs through a cheap stage and sing-box',
    )
    .exitOverride()
    .option('--instance-id <id>', 'this instance, stable across restarts', defaultInstance)
    .option(
      '--vantage <id>',
      'where this prober runs (e.g. eu-west-1); results are kept per vantage',
      'local',
    )
    .option('--group <group>', 'consumer group (default prober.<vantage>)')
    .option('--test-url <url>', 'URL requested through each proxy', 'https://www.gstatic.com/generate_204')
    .option('--accept-status <ranges>', 'HTTP statuses of the test URL that count as working', '200-399')
    .addOption(
      new Option('--address-scope <scope>', 'server addresses the prober may contact')
        .choices([ADDRESS_SCOPES.public, ADDRESS_SCOPES.private, ADDRESS_SCOPES.loopback])
        .default(ADDRESS_SCOPES.public),
    )
    .option('--ca-file <path>', 'extra trusted certificates (PEM), added to the system roots')
    .option('--cheap-timeout-ms <ms>', 'per step of the cheap stage (lookup, connect, TLS)', '3000')
    .option('--proxy-timeout-ms <ms>', 'for the request through the proxy', '8000')
    .option('--max-configs-per-run <n>', 'probes per run', String(b.maxConfigs))
    .option('--max-mb-per-run <n>', 'traffic per run, MiB', String(b.maxBytes / (1024 * 1024)))
    .option('--rate <n>', 'probes started per second', String(b.ratePerSecond))
    .option('--burst <n>', 'probes that may start at once after a pause', String(b.burst))
    .option('--cheap-concurrency <n>', 'cheap-stage checks in flight', String(b.cheapConcurrency))
    .option('--core-processes <n>', 'sing-box processes at once', String(b.coreProcesses))
    .option('--core-batch-size <n>', 'configs per sing-box process', String(b.coreBatchSize))
    .option('--requests-per-core <n>', 'requests in flight per sing-box process', String(b.requestsPerCore))
    .option('--core-max-rss-mb <n>', 'a sing-box process is killed above this resident memory', '512')
    .option('--core-max-lifetime <duration>', 'a sing-box process is killed after this long', '2m')
    .option('--healthy-interval <duration>', 'first re-probe of a working config', '30m')
    .option('--healthy-max <duration>', 'longest interval for a config that keeps working', '6h')
    .option('--failing-interval <duration>', 'first re-probe of a failing config', '15m')
    .option('--failing-max <duration>', 'longest interval for a config that keeps failing', '12h')
    .option('--flapping-interval <duration>', 'interval for configs that just changed or flap', '10m')
    .option('--run-interval <duration>', 'minimum time between the starts of two runs', '10s')
    .option('--idle <duration>', 'longest sleep when nothing is due', '5s')
    .option('--singbox-bin <path>', 'sing-box binary (default SUBMERGE_SINGBOX_BIN)');
  program.parse([...argv], { from: 'user' });
  const parsed = ARGS_SCHEMA.safeParse(program.opts());
  if (!parsed.success)
    throw new ArgsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const a = parsed.data;
  return Object.freeze({
    instanceId: a.instanceId,
    vantage: a.vantage,
    group: a.group,
    testUrl: a.testUrl,
    acceptStatus: parseStatusRanges(a.acceptStatus) ?? (() => false),
    acceptStatusText: a.acceptStatus,
    scope: a.addressScope,
    caFile: a.caFile,
    cheapTimeoutMs: a.cheapTimeoutMs,
    proxyTimeoutMs: a.proxyTimeoutMs,
    budget: {
      ...b,
      maxConfigs: a.maxConfigsPerRun,
      maxBytes: a.maxMbPerRun * 1024 * 1024,
      ratePerSecond: a.rate,
      burst: a.burst,
      cheapConcurrency: a.cheapConcurrency,
      coreProcesses: a.coreProcesses,
      coreBatchSize: a.coreBatchSize,
      requestsPerCore: a.requestsPerCore,
    },
    schedule: {
      ...DEFAULT_SCHEDULE_POLICY,
      healthyBaseMs: a.healthyInterval,
      healthyMaxMs: Math.max(a.healthyMax, a.healthyInterval),
      failingBaseMs: a.failingInterval,
      failingMaxMs: Math.max(a.failingMax, a.failingInterval),
      flappingMs: a.flappingInterval,
    },
    coreLimits: { maxRssBytes: a.coreMaxRssMb * 1024 * 1024, maxLifetimeMs: a.coreMaxLifetime },
    runIntervalMs: a.runInterval,
    idleMs: a.idle,
    singBoxBin: a.singboxBin,
  });
}
