import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseCatalog } from '../core/catalog/parse-catalog.ts';
import { pipelineTopics } from '../core/processors/pipeline-topics.ts';
import { loadConfig } from '../shared/config/load-config.ts';
import { createLogger } from '../shared/logger.ts';
import { loadCatalog } from '../pipeline/catalog-loader.ts';
import { openKafkaPipelineLog } from '../pipeline/kafka-pipeline-log.ts';

export const CATALOG_EXIT_CODES = { ok: 0, failed: 1, invalid: 2 } as const;

interface LoadFlags {
  readonly dryRun?: boolean;
}

/** `submerge catalog load <file>`: publish a sources catalog file to the compacted catalog topic. */
export function registerCatalogCommand(program: Command): void {
  const catalog = program
    .command('catalog')
    .description('the sources catalog, event-sourced on sources.catalog.v1');
  catalog
    .command('load')
    .description(
      'validate a catalog file and publish its new, edited and removed sources to the catalog topic',
    )
    .argument('<file>', 'catalog YAML (e.g. catalog/sources.default.yaml)')
    .option('--dry-run', 'show what would change without publishing')
    .action(async (file: string, flags: LoadFlags) => {
      process.exitCode = await runLoad(file, flags);
    });
}

async function runLoad(file: string, flags: LoadFlags): Promise<number> {
  const say = (line: string): void => void process.stderr.write(`submerge catalog: ${line}\n`);
  let config;
  let text: string;
  try {
    config = loadConfig(process.env);
    text = await readFile(file, 'utf8');
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    return CATALOG_EXIT_CODES.invalid;
  }
  const parsed = parseCatalog(text);
  if (!parsed.ok) {
    for (const issue of parsed.issues) say(`${file}: ${issue.message} [${issue.code}]`);
    return CATALOG_EXIT_CODES.invalid;
  }
  const brokers = config.SUBMERGE_KAFKA_BROKERS ?? [];
  const registryUrl = config.SUBMERGE_SCHEMA_REGISTRY_URL;
  if (brokers.length === 0 || registryUrl === undefined) {
    say('SUBMERGE_KAFKA_BROKERS and SUBMERGE_SCHEMA_REGISTRY_URL are required');
    return CATALOG_EXIT_CODES.invalid;
  }
  const topics = pipelineTopics({
    prefix: config.SUBMERGE_TOPIC_PREFIX,
    version: config.SUBMERGE_TOPICS_VERSION,
  });
  const logger = createLogger({
    service: 'catalog-loader',
    level: 'warn',
    destination: process.stderr,
    pretty: false,
  });
  const log = await openKafkaPipelineLog({
    brokers,
    registryUrl,
    topics,
    clientId: 'catalog-loader',
    logger,
  });
  try {
    const result = await loadCatalog(parsed.catalog, {
      log,
      topic: topics.catalog,
      producer: `catalog-loader/${config.SUBMERGE_INSTANCE_ID}`,
      dryRun: flags.dryRun === true,
    });
    const verb = flags.dryRun === true ? 'would publish' : 'published';
    say(
      `${parsed.catalog.sources.length} sources: ${result.changes.upserts.length} new or edited, ${result.changes.removals.length} removed, ${result.unchanged} unchanged; ${verb} ${result.changes.upserts.length + result.changes.removals.length} records to ${topics.catalog}`,
    );
    process.stdout.write(
      `${JSON.stringify({ upserts: result.changes.upserts.map((u) => u.id), removals: result.changes.removals, unchanged: result.unchanged, published: result.published })}\n`,
    );
    return CATALOG_EXIT_CODES.ok;
  } catch (error) {
    say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    return CATALOG_EXIT_CODES.failed;
  } finally {
    await log.close();
  }
}
