import { Kafka, logLevel } from 'kafkajs';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { PROCESSOR_KINDS, isTopicVersion, processorTopicSpecs } from '../core/processors/pipeline-topics.ts';
import { loadConfig } from '../shared/config/load-config.ts';
import { createLogger } from '../shared/logger.ts';
import { createMetricsRegistry } from '../shared/metrics/metrics-registry.ts';
import { openKafkaPipelineLog } from '../pipeline/kafka-pipeline-log.ts';
import { parserSettings } from '../pipeline/processor-service.ts';
import { executeReplay } from './replay.ts';
import type { ReplayReport } from './replay.ts';
import { planReplay, REPLAY_TARGET_LIST } from './replay-plan.ts';
import type { ReplayTarget } from './replay-plan.ts';

interface ReplayFlags {
  readonly processor: ReplayTarget;
  readonly fromBeginning?: boolean;
  readonly fromTimestamp?: number;
  readonly newTopicsSuffix?: string;
  readonly instance: string;
  readonly embedded?: boolean;
  readonly dataDir?: string;
}

export const REPLAY_EXIT_CODES = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * `submerge replay`: reprocess the raw topic after a parser change, without refetching. Reads
 * the deployment (brokers, registry, topic prefix, running generation, parser settings) from
 * the same SUBMERGE_* environment as the services.
 */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description(
      'reset a processor (its group offsets and state) and reprocess the raw topic, in place or into new versioned topics; exits when caught up',
    )
    .addOption(
      new Option('--processor <name>', 'which processor to replay (all = parser then merger)')
        .choices(REPLAY_TARGET_LIST)
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--from-beginning', 'reprocess everything the log holds (default)').conflicts(
        'fromTimestamp',
      ),
    )
    .addOption(
      new Option('--from-timestamp <iso>', 'reprocess from the first record at or after this time').argParser(
        isoTime,
      ),
    )
    .addOption(
      new Option(
        '--new-topics-suffix <vN>',
        'build a new generation of derived topics (e.g. v2) beside the running one',
      ).argParser(version),
    )
    .option('--instance <id>', 'names the replay transactional ids', 'replay')
    .option('--embedded', "replay the embedded mode's data directory (npm start) instead of Kafka")
    .option(
      '--data-dir <dir>',
      'the embedded data directory (default SUBMERGE_DATA_DIR, ./.data); implies --embedded',
    )
    .action(async (flags: ReplayFlags) => {
      process.exitCode = await runReplay(flags);
    });
}

async function runReplay(flags: ReplayFlags): Promise<number> {
  let config;
  try {
    config = loadConfig(
      flags.dataDir === undefined ? process.env : { ...process.env, SUBMERGE_DATA_DIR: flags.dataDir },
    );
  } catch (error) {
    process.stderr.write(`submerge replay: ${error instanceof Error ? error.message : String(error)}\n`);
    return REPLAY_EXIT_CODES.usage;
  }
  const embedded = flags.embedded === true || flags.dataDir !== undefined;
  const brokers = config.SUBMERGE_KAFKA_BROKERS ?? [];
  const registryUrl = config.SUBMERGE_SCHEMA_REGISTRY_URL ?? '';
  if (!embedded && (brokers.length === 0 || registryUrl === '')) {
    process.stderr.write(
      'submerge replay: SUBMERGE_KAFKA_BROKERS and SUBMERGE_SCHEMA_REGISTRY_URL are required\n',
    );
    return REPLAY_EXIT_CODES.usage;
  }
  let plan;
  try {
    plan = planReplay({
      target: flags.processor,
      prefix: config.SUBMERGE_TOPIC_PREFIX,
      currentVersion: config.SUBMERGE_TOPICS_VERSION,
      ...(flags.fromTimestamp === undefined ? {} : { fromTimestamp: flags.fromTimestamp }),
      ...(flags.newTopicsSuffix === undefined ? {} : { newVersion: flags.newTopicsSuffix }),
    });
  } catch (error) {
    process.stderr.write(`submerge replay: ${error instanceof Error ? error.message : String(error)}\n`);
    return REPLAY_EXIT_CODES.usage;
  }
  const say = (line: string): void => void process.stderr.write(`submerge replay: ${line}\n`);
  for (const note of plan.notes) say(`note: ${note}`);

  const logger = createLogger({
    service: 'replay',
    level: 'warn',
    destination: process.stderr,
    pretty: false,
  });
  if (embedded) {
    // Loaded on demand: the embedded mode brings chDB and the whole pipeline with it.
    const { runEmbeddedReplay } = await import('../embedded/embedded-replay.ts');
    try {
      return printResult(
        await runEmbeddedReplay(plan, { config, logger, instance: flags.instance, report: say }),
        say,
      );
    } catch (error) {
      return printFailure(error, say);
    }
  }
  const log = await openKafkaPipelineLog({
    brokers,
    registryUrl,
    topics: plan.topics,
    ensure: [
      ...processorTopicSpecs(PROCESSOR_KINDS.parser, plan.topics),
      ...processorTopicSpecs(PROCESSOR_KINDS.merger, plan.topics),
    ],
    clientId: `replay.${flags.instance}`,
    logger,
  });
  const kafka = new Kafka({ clientId: `replay.${flags.instance}`, brokers, logLevel: logLevel.NOTHING });
  try {
    const result = await executeReplay(plan, {
      log,
      kafka,
      logger,
      registry: createMetricsRegistry({ service: 'replay', collectProcessMetrics: false }),
      parser: parserSettings(config),
      instance: flags.instance,
      report: say,
    });
    return printResult(result, say);
  } catch (error) {
    return printFailure(error, say);
  } finally {
    await log.close();
  }
}

function printResult(result: ReplayReport, say: (line: string) => void): number {
  for (const step of result.steps) say(`${step.kind}: ${step.records} records reprocessed`);
  say(`done in ${result.seconds.toFixed(1)} s`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return REPLAY_EXIT_CODES.ok;
}

function printFailure(error: unknown, say: (line: string) => void): number {
  const code = (error as { code?: unknown }).code;
  say(
    `failed${typeof code === 'string' ? ` (${code})` : ''}: ${error instanceof Error ? error.message : String(error)}`,
  );
  return REPLAY_EXIT_CODES.failed;
}

function isoTime(text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms))
    throw new InvalidArgumentError(`not an ISO time: ${text}`);
  return ms;
}

function version(text: string): string {
  if (!isTopicVersion(text)) throw new InvalidArgumentError(`not a topic version (v2, v3, ...): ${text}`);
  return text;
}
