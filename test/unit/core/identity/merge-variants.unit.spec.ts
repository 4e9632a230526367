import { describe, expect, it } from 'vitest';
import type { ProxyConfig, TrojanConfig } from '../../../../services/core/model/index.ts';
import { explain, mergeVariants } from '../../../../services/core/identity/merge-variants.ts';
import { fingerprint } from '../../../../services/core/identity/fingerprint.ts';

const base: TrojanConfig = {
  protocol: 'trojan',
  name: 'DE 1',
  server: 'de.example',
  port: 443,
  password: 'pw',
  tls: { enabled: true, serverName: 'de.example' },
  transport: { type: 'ws', path: '/t' },
};
const input = (config: ProxyConfig, source: string, line: number) => ({
  config,
  source,
  origin: { line, from: config.protocol },
});

describe('mergeVariants', () => {
  it('groups inputs by fingerprint in first-seen order and keeps every member', () => {
    const a = input(base, 'list.txt', 3);
    const other = input({ ...base, password: 'other' }, 'list.txt', 4);
    const b = input({ ...base, name: 'DE 1 (yaml)', server: 'DE.example' }, 'clash.yaml', 7);
    const groups = mergeVariants([a, other, b]);
    expect(groups.map((g) => g.members)).toEqual([[a, b], [other]]);
    expect(groups[0]?.representative).toBe(a);
    expect(groups[0]?.fingerprint).toBe(fingerprint(base));
    expect(groups[0]?.policy).toBe('credential');
  });

  it('folds more under a coarser policy', () => {
    const items = [input(base, 's', 1), input({ ...base, password: 'x' }, 's', 2)];
    expect(mergeVariants(items, 'endpoint')).toHaveLength(1);
    expect(mergeVariants(items, 'credential')).toHaveLength(2);
  });
});

describe('explain', () => {
  it('lists the inputs folded into an identity, their variants and the settings that differ', () => {
    const link = input(base, 'v2ray.txt', 11);
    const yaml = input(
      { ...base, name: 'DE 8', transport: { type: 'ws', path: '/t', host: 'cdn.example' } },
      'clash.yaml',
      40,
    );
    const json = input({ ...base, name: 'DE 3' }, 'sing-box.json', 2);
    const [group] = mergeVariants([link, yaml, json]);
    if (group === undefined) throw new Error('expected one group');
    const explanation = explain(group);
    expect(explanation.inputCount).toBe(3);
    expect(explanation.names).toEqual(['DE 1', 'DE 8', 'DE 3']);
    expect(explanation.variants).toHaveLength(2);
    expect(explanation.variants[0]?.inputs).toEqual([
      { name: 'DE 1', source: 'v2ray.txt', line: 11, from: 'trojan' },
      { name: 'DE 3', source: 'sing-box.json', line: 2, from: 'trojan' },
    ]);
    expect(explanation.variants[0]?.fullFingerprint).toBe(fingerprint(base, 'full'));
    expect(explanation.differences).toEqual([{ field: 'transport.host', values: [null, 'cdn.example'] }]);
  });

  it('reports no differences when only names differ', () => {
    const [group] = mergeVariants([input(base, 'a', 1), input({ ...base, name: 'renamed' }, 'b', 1)], 'full');
    if (group === undefined) throw new Error('expected one group');
    expect(explain(group).differences).toEqual([]);
    expect(explain(group).variants).toHaveLength(1);
  });
});
