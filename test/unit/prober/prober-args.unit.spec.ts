import { describe, expect, it } from 'vitest';
import { ArgsError, parseProberArgs } from '../../../services/prober/prober-args.ts';

describe('prober arguments', () => {
  it('has defaults that probe public servers through an https test URL', () => {
    const args = parseProberArgs([], 'host-1');
    expect(args).toMatchObject({
      instanceId: 'host-1',
      vantage: 'local',
      group: undefined,
      scope: 'public',
      acceptStatusText: '200-399',
      cheapTimeoutMs: 3_000,
      proxyTimeoutMs: 8_000,
      runIntervalMs: 10_000,
      coreLimits: { maxRssBytes: 512 * 1024 * 1024, maxLifetimeMs: 120_000 },
    });
    expect(args.testUrl.href).toBe('https://www.gstatic.com/generate_204');
    expect(args.schedule).toMatchObject({
      healthyBaseMs: 30 * 60_000,
      healthyMaxMs: 6 * 3_600_000,
      flappingMs: 10 * 60_000,
    });
    expect(Object.isFrozen(args)).toBe(true);
  });

  it('reads budgets, schedule and vantage from flags', () => {
    const args = parseProberArgs(
      [
        '--vantage',
        'eu-west-1',
        '--test-url',
        'https://localhost:8443/generate_204',
        '--accept-status',
        '204',
        '--address-scope',
        'loopback',
        '--max-configs-per-run',
        '300',
        '--max-mb-per-run',
        '5',
        '--rate',
        '50',
        '--core-processes',
        '3',
        '--core-batch-size',
        '40',
        '--healthy-interval',
        '1h',
        '--healthy-max',
        '30m',
      ],
      'h',
    );
    expect(args).toMatchObject({ vantage: 'eu-west-1', scope: 'loopback' });
    expect(args.budget).toMatchObject({
      maxConfigs: 300,
      maxBytes: 5 * 1024 * 1024,
      ratePerSecond: 50,
      coreProcesses: 3,
      coreBatchSize: 40,
    });
    // A ceiling below the first interval is raised to it.
    expect(args.schedule).toMatchObject({ healthyBaseMs: 3_600_000, healthyMaxMs: 3_600_000 });
    expect([204, 200].map(args.acceptStatus)).toEqual([true, false]);
  });

  it('reports every bad flag at once', () => {
    try {
      parseProberArgs(
        [
          '--vantage',
          'eu west',
          '--test-url',
          'ftp://x',
          '--rate',
          '0',
          '--healthy-interval',
          '90',
          '--accept-status',
          'ok',
        ],
        'h',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ArgsError);
      expect((error as ArgsError).problems.map((p) => p.split(':')[0])).toEqual([
        'vantage',
        'testUrl',
        'acceptStatus',
        'rate',
        'healthyInterval',
      ]);
    }
  });
});
