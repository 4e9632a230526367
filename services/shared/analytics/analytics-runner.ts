import type { Readable } from 'node:stream';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { AnalyticsError } from '../../core/analytics/analytics-error.ts';
import type { BuiltQuery } from '../../core/analytics/built-query.ts';
import { isRetriableClickHouseError } from '../clickhouse/clickhouse-retriable.ts';

export interface AnalyticsRunnerOptions {
  readonly client: ClickHouseClient;
  /** ClickHouse stops a JSON query after this long (max_execution_time), answered as ANALYTICS_TIMEOUT. */
  readonly maxExecutionSeconds?: number;
  /** The same for exports, which stream up to a million rows. */
  readonly exportMaxExecutionSeconds?: number;
  /** Per-query memory cap in bytes (max_memory_usage). */
  readonly maxMemoryBytes?: number;
}

/** Runs built queries: parameters bound by ClickHouse, limits on every query, errors as analytics codes. */
export interface AnalyticsRunner {
  rows<T>(query: BuiltQuery): Promise<T[]>;
  /** The raw response body (the query names its own FORMAT), streamed as ClickHouse sends it. */
  stream(query: BuiltQuery): Promise<Readable>;
}

export function createAnalyticsRunner({
  client,
  maxExecutionSeconds = 10,
  exportMaxExecutionSeconds = 120,
  maxMemoryBytes = 2 * 1024 ** 3,
}: AnalyticsRunnerOptions): AnalyticsRunner {
  // readonly=2: nothing these queries run can write, yet the per-query settings still apply.
  const settings = (seconds: number): ClickHouseSettings => ({
    readonly: '2',
    max_execution_time: seconds,
    max_memory_usage: String(maxMemoryBytes),
  });
  return {
    async rows<T>(query: BuiltQuery): Promise<T[]> {
      try {
        const rs = await client.query({
          query: query.sql,
          query_params: query.params,
          format: 'JSONEachRow',
          clickhouse_settings: settings(maxExecutionSeconds),
        });
        return await rs.json<T>();
      } catch (error) {
        throw translate(error);
      }
    },
    async stream(query: BuiltQuery): Promise<Readable> {
      try {
        const result = await client.exec({
          query: query.sql,
          query_params: query.params,
          clickhouse_settings: { ...settings(exportMaxExecutionSeconds), date_time_output_format: 'iso' },
        });
        return result.stream;
      } catch (error) {
        throw translate(error);
      }
    },
  };
}

/** ClickHouse's failures as the analytics error table's codes. */
export function translate(error: unknown): AnalyticsError {
  if (error instanceof AnalyticsError) return error;
  const type = (error as { type?: unknown } | null)?.type;
  const message = error instanceof Error ? error.message : String(error);
  if (type === 'TIMEOUT_EXCEEDED') {
    return new AnalyticsError('ANALYTICS_TIMEOUT', 'the query ran past its time limit', undefined, {
      cause: error,
    });
  }
  if (isRetriableClickHouseError(error)) {
    return new AnalyticsError('ANALYTICS_UNAVAILABLE', 'the history store is unavailable', undefined, {
      cause: error,
    });
  }
  return new AnalyticsError('ANALYTICS_QUERY_FAILED', `query failed: ${message}`, undefined, {
    cause: error,
  });
}
