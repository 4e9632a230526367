import { describe, expect, it } from 'vitest';
import {
  CONFIG_HISTORY_PARAMS,
  CONFIG_HISTORY_QUERY,
  EXPORT_QUERY,
  OVERVIEW_QUERY,
  parseInput,
  routeJsonSchema,
  SOURCE_HISTORY_PARAMS,
  SOURCE_HISTORY_QUERY,
} from '../../../../services/core/analytics/analytics-inputs.ts';

const FP = 'ab'.repeat(32);

describe('analytics inputs', () => {
  it('parses ids, ISO times with offsets and resolutions into typed values', () => {
    expect(
      parseInput(
        { params: SOURCE_HISTORY_PARAMS, query: SOURCE_HISTORY_QUERY },
        {
          params: { id: 'gh-a-b-sub-txt' },
          query: { from: '2026-03-01T02:00:00+02:00', to: '2026-03-02T00:00:00Z', resolution: 'day' },
        },
      ),
    ).toEqual({
      id: 'gh-a-b-sub-txt',
      from: Date.UTC(2026, 2, 1),
      to: Date.UTC(2026, 2, 2),
      resolution: 'day',
    });
  });

  it('reports every problem at once with params./query. paths', () => {
    let caught: unknown;
    try {
      parseInput(
        { params: CONFIG_HISTORY_PARAMS, query: CONFIG_HISTORY_QUERY },
        { params: { fingerprint: 'XYZ' }, query: { from: 'yesterday', resolution: 'minute', colour: 'red' } },
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'ANALYTICS_INVALID_INPUT', statusCode: 400 });
    const paths = (caught as { details: { issues: { path: string }[] } }).details.issues
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(['params.fingerprint', 'query.colour', 'query.from', 'query.resolution']);
  });

  it('coerces query-string numbers and applies defaults within bounds', () => {
    expect(parseInput({ query: OVERVIEW_QUERY }, { query: { limit: '25' } })).toMatchObject({
      limit: 25,
      minFetches: 1,
    });
    expect(() => parseInput({ query: OVERVIEW_QUERY }, { query: { limit: '101' } })).toThrow(
      expect.objectContaining({ code: 'ANALYTICS_INVALID_INPUT' }),
    );
    expect(parseInput({ query: EXPORT_QUERY }, { query: { dataset: 'fetches' } })).toMatchObject({
      dataset: 'fetches',
      format: 'jsonl',
      limit: 100_000,
    });
    expect(
      parseInput(
        { params: CONFIG_HISTORY_PARAMS, query: CONFIG_HISTORY_QUERY },
        { params: { fingerprint: FP } },
      ),
    ).toEqual({
      fingerprint: FP,
    });
  });

  it('gives routes a draft-07 JSON schema of the same inputs', () => {
    const schema = routeJsonSchema(EXPORT_QUERY);
    expect(schema['$schema']).toBeUndefined();
    expect(schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: ['dataset'],
      properties: {
        dataset: {
          enum: [
            'fetches',
            'snapshots',
            'observations',
            'source-hourly',
            'probes',
            'scores',
            'health',
            'anomalies',
          ],
        },
        limit: { maximum: 1_000_000 },
      },
    });
  });
});
