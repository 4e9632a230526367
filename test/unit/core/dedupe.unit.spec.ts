import { describe, expect, it } from 'vitest';
import type { ParsedConfig, ShadowsocksConfig } from '../../../services/core/model/index.ts';
import { dedupe } from '../../../services/core/dedupe.ts';

const ss: ShadowsocksConfig = {
  protocol: 'shadowsocks',
  name: 'a',
  server: '1.2.3.4',
  port: 8388,
  method: 'aes-256-gcm',
  password: 'pw',
};
const parsed = (config: ShadowsocksConfig, line: number): ParsedConfig => ({
  config,
  origin: { line, from: 'ss' },
});

describe('dedupe', () => {
  const items = [
    parsed(ss, 1),
    parsed({ ...ss, name: 'b' }, 2),
    parsed({ ...ss, password: 'other' }, 3),
    parsed({ ...ss, plugin: { name: 'obfs-local', opts: [['obfs', 'http']] } }, 4),
  ];

  it('keeps the first config of each identity under the default credential policy', () => {
    const result = dedupe(items);
    expect(result.configs.map((c) => c.origin.line)).toEqual([1, 3]);
    expect(result.folded).toBe(2);
    expect(result.groups[0]?.members.map((c) => c.origin.line)).toEqual([1, 2, 4]);
  });

  it('merges different passwords only under the endpoint policy', () => {
    expect(dedupe(items, { policy: 'endpoint' }).configs).toHaveLength(1);
  });

  it('keeps configs with different settings apart under the full policy', () => {
    expect(dedupe(items, { policy: 'full' }).configs.map((c) => c.origin.line)).toEqual([1, 3, 4]);
  });

  it('returns an empty result for no input', () => {
    expect(dedupe([])).toEqual({ configs: [], groups: [], folded: 0 });
  });
});
