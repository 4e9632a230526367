import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../../services/shared/config/load-config.ts';

describe('loadConfig', () => {
  it('applies the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.SUBMERGE_MODE).toBe('embedded');
    expect(config.SUBMERGE_HTTP_PORT).toBe(8080);
    expect(config.SUBMERGE_ALLOW_PRIVATE_ADDRESSES).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('splits the broker list and coerces ports', () => {
    const config = loadConfig({ SUBMERGE_KAFKA_BROKERS: 'a:9092, b:9092', SUBMERGE_HTTP_PORT: '9000' });
    expect(config.SUBMERGE_KAFKA_BROKERS).toEqual(['a:9092', 'b:9092']);
    expect(config.SUBMERGE_HTTP_PORT).toBe(9000);
  });

  it('reports every problem at once with a stable code', () => {
    let error: unknown;
    try {
      loadConfig({
        SUBMERGE_HTTP_PORT: '70000',
        SUBMERGE_MODE: 'cluster',
        SUBMERGE_CLICKHOUSE_URL: 'not a url',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    expect(problems.some((p) => p.startsWith('SUBMERGE_HTTP_PORT'))).toBe(true);
    expect(problems.some((p) => p.startsWith('SUBMERGE_MODE'))).toBe(true);
    expect(problems.some((p) => p.startsWith('SUBMERGE_CLICKHOUSE_URL'))).toBe(true);
  });

  it('requires kafka, registry and clickhouse in distributed mode', () => {
    expect(() => loadConfig({ SUBMERGE_MODE: 'distributed' })).toThrow(
      /SUBMERGE_KAFKA_BROKERS.*\n.*SUBMERGE_SCHEMA_REGISTRY_URL/s,
    );
  });
});
