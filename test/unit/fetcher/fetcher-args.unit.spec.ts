import { describe, expect, it } from 'vitest';
import { parseFetcherArgs } from '../../../services/fetcher/fetcher-args.ts';

describe('fetcher arguments', () => {
  it('defaults to the host name, the shared group and next-slot first fetches', () => {
    expect(parseFetcherArgs([], 'pod-7')).toEqual({
      instanceId: 'pod-7',
      group: 'fetcher',
      maxConcurrentFetches: 8,
      firstFetch: 'next-slot',
      topicPrefix: '',
    });
  });

  it('reads every flag', () => {
    expect(
      parseFetcherArgs(
        [
          '--instance-id',
          'f-1',
          '--group',
          'g',
          '--max-concurrent-fetches',
          '3',
          '--first-fetch',
          'immediately',
          '--topic-prefix',
          'it.',
        ],
        'x',
      ),
    ).toEqual({
      instanceId: 'f-1',
      group: 'g',
      maxConcurrentFetches: 3,
      firstFetch: 'immediately',
      topicPrefix: 'it.',
    });
  });

  it('reports every bad value at once', () => {
    expect(() => parseFetcherArgs(['--instance-id', 'a b', '--max-concurrent-fetches', '0'], 'x')).toThrow(
      /instanceId[\s\S]*maxConcurrentFetches/,
    );
  });
});
