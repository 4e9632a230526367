import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Endpoints of the real components, as written by `infra/local/up` into its env file
 * (or given directly in the environment, e.g. by CI or a testcontainers setup).
 */
export interface ComponentEndpoints {
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly clickhouseUrl: string;
  readonly singBoxBin: string;
  readonly mihomoBin: string;
  /** The librdkafka addon built for the project's Node (infra/local/components/librdkafka.sh). */
  readonly kafkaNativeModule: string;
}

export const ENV_KEYS = {
  kafkaBrokers: 'SUBMERGE_KAFKA_BROKERS',
  schemaRegistryUrl: 'SUBMERGE_SCHEMA_REGISTRY_URL',
  clickhouseUrl: 'SUBMERGE_CLICKHOUSE_URL',
  singBoxBin: 'SUBMERGE_SINGBOX_BIN',
  mihomoBin: 'SUBMERGE_MIHOMO_BIN',
  kafkaNativeModule: 'SUBMERGE_KAFKA_NATIVE_MODULE',
} as const;

export function envFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env['SUBMERGE_CACHE'] ?? join(homedir(), '.cache', 'submerge');
  const run = env['SUBMERGE_RUN'] ?? join(cache, 'run');
  return env['SUBMERGE_ENV_FILE'] ?? join(run, 'local.env');
}

export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] !== undefined && m[2] !== undefined) out[m[1]] = m[2];
  }
  return out;
}

function readEnvFile(path: string): Record<string, string> {
  try {
    return parseEnvFile(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
}

export class ComponentsMissingError extends Error {
  readonly code = 'COMPONENTS_MISSING';
}

/** Resolve endpoints; throws naming every missing one so an integration run fails loudly. */
export function componentEndpoints(env: NodeJS.ProcessEnv = process.env): ComponentEndpoints {
  const file = envFilePath(env);
  const merged: Record<string, string | undefined> = { ...readEnvFile(file), ...env };
  // mihomo is required too: infra/local builds it, and the Clash output is proven against it.
  const required = [
    ENV_KEYS.kafkaBrokers,
    ENV_KEYS.schemaRegistryUrl,
    ENV_KEYS.clickhouseUrl,
    ENV_KEYS.singBoxBin,
    ENV_KEYS.mihomoBin,
    ENV_KEYS.kafkaNativeModule,
  ];
  const missing = required.filter((k) => !merged[k]);
  if (missing.length > 0) {
    throw new ComponentsMissingError(
      `integration components not configured: ${missing.join(', ')} missing from ${file} and the environment. ` +
        `Run 'npm run infra:up' first (or bash .ci/run).`,
    );
  }
  return {
    kafkaBrokers: (merged[ENV_KEYS.kafkaBrokers] ?? '').split(',').filter(Boolean),
    schemaRegistryUrl: merged[ENV_KEYS.schemaRegistryUrl] ?? '',
    clickhouseUrl: merged[ENV_KEYS.clickhouseUrl] ?? '',
    singBoxBin: merged[ENV_KEYS.singBoxBin] ?? '',
    mihomoBin: merged[ENV_KEYS.mihomoBin] ?? '',
    kafkaNativeModule: merged[ENV_KEYS.kafkaNativeModule] ?? '',
  };
}
