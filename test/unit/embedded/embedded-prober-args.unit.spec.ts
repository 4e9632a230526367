import { describe, expect, it } from 'vitest';
import { checkProberConfig, embeddedProberArgs } from '../../../services/embedded/start-intel.ts';
import { loadConfig } from '../../../services/shared/config/load-config.ts';

const on = { SUBMERGE_EMBEDDED_PROBER: 'true', SUBMERGE_SINGBOX_BIN: '/opt/sing-box' };

describe('the embedded prober takes the distributed prober flags from SUBMERGE_PROBER_ARGS', () => {
  it('runs with the prober defaults (public addresses only) when no flags are given', () => {
    const args = embeddedProberArgs(loadConfig({ ...on, SUBMERGE_INSTANCE_ID: 'node-7' }));
    expect(args).toMatchObject({
      vantage: 'local',
      instanceId: 'node-7',
      scope: 'public',
      caFile: undefined,
    });
  });

  it('applies scope, test URL, trust, budgets and schedule given as whitespace-separated flags', () => {
    const args = embeddedProberArgs(
      loadConfig({
        ...on,
        SUBMERGE_PROBER_ARGS:
          '  --address-scope loopback\n --test-url https://localhost:9443/generate_204 --ca-file /tmp/lab.pem --rate 7 --healthy-interval 1h --core-max-lifetime 30s ',
      }),
    );
    expect(args.scope).toBe('loopback');
    expect(args.testUrl.href).toBe('https://localhost:9443/generate_204');
    expect(args.caFile).toBe('/tmp/lab.pem');
    expect(args.budget.ratePerSecond).toBe(7);
    expect(args.schedule.healthyBaseMs).toBe(3_600_000);
    expect(args.coreLimits.maxLifetimeMs).toBe(30_000);
  });

  it('refuses bad flags, and a vantage or group of its own, with PROBER_ARGS_INVALID', () => {
    for (const flags of [
      '--rate nope',
      '--address-scope everywhere',
      '--vantage eu-1',
      '--group g',
      '--bogus',
    ]) {
      expect(() => checkProberConfig(loadConfig({ ...on, SUBMERGE_PROBER_ARGS: flags })), flags).toThrow(
        expect.objectContaining({ code: 'PROBER_ARGS_INVALID' }) as Error,
      );
    }
  });

  it('ignores the flags while the prober is off, and still needs a sing-box binary when it is on', () => {
    expect(() => checkProberConfig(loadConfig({ SUBMERGE_PROBER_ARGS: '--bogus' }))).not.toThrow();
    expect(() => checkProberConfig(loadConfig({ SUBMERGE_EMBEDDED_PROBER: 'true' }))).toThrow(
      expect.objectContaining({ code: 'PROBER_WITHOUT_SINGBOX' }) as Error,
    );
    expect(() =>
      checkProberConfig(
        loadConfig({ SUBMERGE_EMBEDDED_PROBER: 'true', SUBMERGE_PROBER_ARGS: '--singbox-bin /opt/sb' }),
      ),
    ).not.toThrow();
  });
});
