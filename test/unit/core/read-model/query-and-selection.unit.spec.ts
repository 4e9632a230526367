import { describe, expect, it } from 'vitest';
import { createReadState } from '../../../../services/core/read-model/read-state.ts';
import type { ReadState } from '../../../../services/core/read-model/read-state.ts';
import { selectConfigs } from '../../../../services/core/read-model/select-configs.ts';
import { parseSelection } from '../../../../services/core/read-model/subscription-query.ts';
import type { RawQuery, SelectionQuery } from '../../../../services/core/read-model/subscription-query.ts';
import { renderSubscription } from '../../../../services/core/read-model/render-subscription.ts';
import type { ProxyConfig } from '../../../../services/core/model/config.ts';
import { catalogEvent, currentEvent, scoredEvent, syntheticConfig } from '../../read-api/read-fixtures.ts';

const query = (raw: RawQuery): SelectionQuery => {
  const parsed = parseSelection(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.query;
};

function stateWith(count: number): ReadState {
  const state = createReadState();
  state.apply('catalog', 'a', catalogEvent('a', 'premium'));
  state.apply('catalog', 'b', catalogEvent('b', 'bulk'));
  for (let i = 0; i < count; i++) {
    const event = currentEvent(syntheticConfig(i), [{ sourceId: i % 2 === 0 ? 'a' : 'b' }]);
    state.apply('current', event.fingerprint, event);
    if (i < 10) state.apply('scored', event.fingerprint, scoredEvent(event, i * 10, 100 - i));
  }
  return state;
}

const names = (state: ReadState, raw: RawQuery): string[] =>
  selectConfigs(state, query(raw)).map((e) => e.name);

describe('selection queries', () => {
  it('normalizes equivalent queries to one key', () => {
    const a = parseSelection({ protocol: 'VMESS,vless', country: ['de', 'DE'], sort: 'fingerprint' });
    const b = parseSelection({ protocol: ['vless', 'vmess'], country: 'DE', flag: 'clash' });
    expect(a.ok && b.ok && a.key === b.key).toBe(true);
    if (a.ok) expect(a.normalized).toEqual({ protocol: 'vless,vmess', country: 'DE' });
  });

  it('reports every problem with its code and parameter', () => {
    const parsed = parseSelection({
      protocol: 'nope',
      limit: '0',
      include: '(a+)+',
      sort: 'x',
      dedupe: 'y',
      minScore: '150',
      tier: 'gold',
      country: 'Germany',
      source: 'Bad Id',
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.issues.map((i) => [i.param, i.code])).toEqual([
        ['protocol', 'UNKNOWN_PROTOCOL'],
        ['country', 'INVALID_COUNTRY'],
        ['source', 'INVALID_SOURCE'],
        ['tier', 'UNKNOWN_TIER'],
        ['minScore', 'INVALID_SCORE'],
        ['limit', 'INVALID_LIMIT'],
        ['sort', 'UNKNOWN_SORT'],
        ['dedupe', 'UNKNOWN_DEDUPE_POLICY'],
        ['include', 'REGEX_UNSAFE'],
      ]);
    }
  });

  it('caps how many values one parameter may carry', () => {
    const parsed = parseSelection({ source: Array.from({ length: 65 }, (_, i) => `s${i}`).join(',') });
    expect(parsed.ok ? [] : parsed.issues.map((i) => i.code)).toEqual(['TOO_MANY_VALUES']);
  });
});

describe('selecting configs', () => {
  const state = stateWith(40);

  it('filters by protocol, country, source, tier and score', () => {
    expect(names(state, { protocol: 'hysteria2' })).toHaveLength(4);
    expect(names(state, { country: 'NL' }).every((n) => n.includes('NL'))).toBe(true);
    expect(names(state, { source: 'a' })).toHaveLength(20);
    expect(names(state, { tier: 'bulk' })).toHaveLength(20);
    expect(names(state, { minScore: '50' })).toHaveLength(5);
    expect(names(state, { minScore: '90' })).toHaveLength(1);
  });

  it('sorts by score, latency and name with missing values last', () => {
    const byScore = names(state, { sort: 'score', limit: '3' });
    expect(byScore.map((n) => n.split(' ').at(-1))).toEqual(['9', '8', '7']);
    const byLatency = names(state, { sort: 'latency', limit: '2' });
    expect(byLatency.map((n) => n.split(' ').at(-1))).toEqual(['9', '8']);
    const byName = names(state, { sort: 'name' });
    expect(byName).toEqual([...byName].sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1)));
  });

  it('folds configs under a coarser policy, keeping the first in sort order', () => {
    const s = stateWith(2);
    const base = syntheticConfig(0) as Extract<ProxyConfig, { protocol: 'vless' }>;
    const twin = { ...base, name: 'twin', uuid: '11111111-2222-4333-8444-555555555555' };
    const event = currentEvent(twin, [{ sourceId: 'b' }]);
    s.apply('current', event.fingerprint, event);
    expect(names(s, {})).toHaveLength(3);
    expect(names(s, { dedupe: 'endpoint' })).toHaveLength(2);
    expect(names(s, { dedupe: 'full' })).toHaveLength(3);
  });

  it('counts a limit in configs the target can express', () => {
    const rendered = renderSubscription({
      state,
      query: query({ limit: '10' }),
      target: 'sing-box',
      profile: { title: 't', updateIntervalHours: 1, expiresAt: null },
    });
    expect(rendered.emitted).toBe(10);
    expect(rendered.leftOut).toBe(0);
    const all = renderSubscription({
      state,
      query: query({}),
      target: 'sing-box',
      profile: { title: 't', updateIntervalHours: 1, expiresAt: null },
    });
    expect(all.leftOut).toBe(4); // the shadowsocksr configs
  });

  it('sends the profile headers clients read', () => {
    const rendered = renderSubscription({
      state,
      query: query({ protocol: 'vless' }),
      target: 'clash',
      profile: { title: 'Мой профиль', updateIntervalHours: 12, expiresAt: 1_800_000_000_000 },
    });
    expect(rendered.headers['profile-title']).toBe(`base64:${Buffer.from('Мой профиль').toString('base64')}`);
    expect(rendered.headers['profile-update-interval']).toBe('12');
    expect(rendered.headers['subscription-userinfo']).toBe(
      'upload=0; download=0; total=0; expire=1800000000',
    );
    expect(rendered.headers['content-disposition']).toBe(
      `attachment; filename="submerge.yaml"; filename*=UTF-8''${encodeURIComponent('Мой профиль.yaml')}`,
    );
  });
});

describe('materialized state', () => {
  it('drops a config on its tombstone and bumps the render generation', () => {
    const state = stateWith(3);
    const [first] = state.configList();
    const before = state.generation;
    expect(state.apply('current', first?.fingerprint ?? '', null).outcome).toBe('changed');
    expect(state.configCount()).toBe(2);
    expect(state.generation).toBeGreaterThan(before);
    expect(state.apply('current', 'unknown', null).outcome).toBe('unchanged');
  });

  it('keeps the list sorted by fingerprint through updates', () => {
    const state = stateWith(20);
    const list = state.configList().map((e) => e.fingerprint);
    expect(list).toEqual([...list].sort());
  });

  it('refuses values it cannot serve without changing anything', () => {
    const state = createReadState();
    const event = currentEvent(syntheticConfig(1), [{ sourceId: 'a' }]);
    expect(state.apply('current', event.fingerprint, { ...event, config: 'not json' })).toEqual({
      outcome: 'rejected',
      problem: 'CONFIG_NOT_JSON',
    });
    expect(state.apply('current', 'other-key', event)).toEqual({
      outcome: 'rejected',
      problem: 'KEY_MISMATCH',
    });
    expect(state.apply('current', event.fingerprint, { nope: true })).toEqual({
      outcome: 'rejected',
      problem: 'NOT_AN_EVENT',
    });
    expect(state.configCount()).toBe(0);
  });

  it('sums preset accesses over instances and never lowers a running count', () => {
    const state = createReadState();
    const count = (instance: string, accesses: number) => ({
      metadata: {
        eventId: `${instance}${accesses}`,
        eventTime: 0,
        producer: 't',
        correlationId: 'c',
        causationId: null,
      },
      presetId: 'p',
      instance,
      accesses,
    });
    state.apply('presetAccesses', 'p/i1', count('i1', 3));
    state.apply('presetAccesses', 'p/i2', count('i2', 2));
    state.apply('presetAccesses', 'p/i1', count('i1', 1));
    expect(state.presetAccesses('p')).toBe(5);
  });
});
