import { ENV_SCHEMA, type EnvConfig } from './env-schema.ts';

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Parse the environment once into a frozen, typed config. Every problem is reported at
 * once (not just the first), and distributed mode must name its Kafka and registry.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Readonly<EnvConfig> {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith('SUBMERGE_') && v !== ''),
  );
  const parsed = ENV_SCHEMA.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const config = parsed.data;
  const problems: string[] = [];
  if (config.SUBMERGE_MODE === 'distributed') {
    if (!config.SUBMERGE_KAFKA_BROKERS?.length)
      problems.push('SUBMERGE_KAFKA_BROKERS: required in distributed mode');
    if (!config.SUBMERGE_SCHEMA_REGISTRY_URL)
      problems.push('SUBMERGE_SCHEMA_REGISTRY_URL: required in distributed mode');
    if (!config.SUBMERGE_CLICKHOUSE_URL)
      problems.push('SUBMERGE_CLICKHOUSE_URL: required in distributed mode');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
