import { describe, expect, it } from 'vitest';
import {
  authenticate,
  formatKey,
  parseBootstrapKeys,
  roleAllows,
  secretHash,
} from '../../../../services/core/read-model/api-keys.ts';
import { countryOfNames, flagCountry } from '../../../../services/core/read-model/country.ts';
import { etagFor, ifNoneMatchHits } from '../../../../services/core/read-model/etag.ts';
import { createLruCache } from '../../../../services/core/read-model/lru-cache.ts';
import { compileNamePattern } from '../../../../services/core/read-model/name-pattern.ts';
import { presetState, tokenHash } from '../../../../services/core/read-model/presets.ts';
import { formatForUserAgent, USER_AGENT_RULES } from '../../../../services/core/read-model/user-agent.ts';
import type { SubscriptionPreset } from '../../../../services/generated/events.ts';
import { testKey } from '../../read-api/read-api-harness.ts';

describe('flag countries', () => {
  it('reads the first flag emoji of a name as an ISO code', () => {
    expect(flagCountry('🇩🇪 Frankfurt 01')).toBe('DE');
    expect(flagCountry('fast 🇺🇸🇬🇧')).toBe('US');
    expect(flagCountry('no flag here')).toBeNull();
    expect(flagCountry('🇩 lone indicator')).toBeNull();
  });

  it('falls back to the names sources gave when the config name has no flag', () => {
    expect(countryOfNames(['plain', '🇯🇵 Tokyo'])).toBe('JP');
    expect(countryOfNames(['plain', 'other'])).toBeNull();
  });
});

describe('name patterns', () => {
  it('matches case-insensitively anywhere in the name', () => {
    const matcher = compileNamePattern('tokyo|osaka');
    if (typeof matcher === 'string') throw new Error(matcher);
    expect(matcher.test('🇯🇵 TOKYO 3')).toBe(true);
    expect(matcher.test('Berlin')).toBe(false);
  });

  it('refuses patterns that are too long, invalid, or catastrophic for backtracking engines', () => {
    expect(compileNamePattern('a'.repeat(129))).toBe('REGEX_TOO_LONG');
    expect(compileNamePattern('(unclosed')).toBe('REGEX_INVALID');
    expect(compileNamePattern('(x)\\1')).toBe('REGEX_INVALID');
    expect(compileNamePattern('(?=x)y')).toBe('REGEX_INVALID');
    expect(compileNamePattern('(a+)+$')).toBe('REGEX_UNSAFE');
    expect(compileNamePattern('(x+x+)+y')).toBe('REGEX_UNSAFE');
  });

  it('stays linear on inputs that blow up backtracking engines, even for patterns the policy lets through', () => {
    const matcher = compileNamePattern('^(a|aa)+$');
    if (typeof matcher === 'string') throw new Error(matcher);
    // With backtracking this input takes Fibonacci(200) steps; RE2 answers at once.
    expect(matcher.test(`${'a'.repeat(200)}b`)).toBe(false);
  });
});

describe('User-Agent table', () => {
  it.each([
    ['clash-verge/v2.0.4', 'clash'],
    ['ClashforWindows/0.20.39', 'clash'],
    ['mihomo/1.19.30', 'clash'],
    ['Stash/2.4.7 Clash/1.9.0', 'clash'],
    ['FlClash/v0.8.70', 'clash'],
    ['SFA/1.11.0 (Android 14; sing-box 1.11.0)', 'sing-box'],
    ['SFI/1.10.1 (iOS 17.5; sing-box 1.10.1)', 'sing-box'],
    ['sing-box 1.14.1', 'sing-box'],
    ['v2rayNG/1.9.16', 'base64'],
    ['v2rayN/7.0.1', 'base64'],
    ['Shadowrocket/2070 CFNetwork/1494.0.7 Darwin/23.4.0', 'base64'],
    ['HiddifyNext/2.5.7 (android) like ClashMeta v2ray sing-box', 'base64'],
    ['NekoBox/Android/1.3.4 (Prefer ClashMeta Format)', 'base64'],
    ['nekoray/3.26', 'base64'],
    ['Streisand/1.6', 'base64'],
    ['Karing/1.0.30', 'base64'],
    ['Xray-core/25.1.1', 'xray'],
    ['Mozilla/5.0 (X11; Linux x86_64)', 'base64'],
    ['', 'base64'],
  ])('%j gets %s', (ua, format) => {
    expect(formatForUserAgent(ua).format).toBe(format);
  });

  it('documents why for every rule', () => {
    for (const rule of USER_AGENT_RULES) expect(rule.why.length).toBeGreaterThan(5);
  });
});

describe('LRU cache', () => {
  it('evicts the least recently used entry past the entry bound', () => {
    const cache = createLruCache<number>({ maxEntries: 2, maxWeight: 1_000 });
    cache.set('a', 1, 1);
    cache.set('b', 2, 1);
    cache.get('a');
    cache.set('c', 3, 1);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
  });

  it('evicts by weight and never holds an entry heavier than the budget', () => {
    const cache = createLruCache<string>({ maxEntries: 100, maxWeight: 10 });
    cache.set('a', 'x', 6);
    cache.set('b', 'y', 6);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.weight).toBe(6);
    cache.set('huge', 'z', 11);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});

describe('ETags', () => {
  it('derive from the bytes and compare weakly', () => {
    const etag = etagFor(Buffer.from('body'));
    expect(etag).toBe(etagFor(Buffer.from('body')));
    expect(etag).not.toBe(etagFor(Buffer.from('other')));
    expect(etag.startsWith('W/"')).toBe(true);
    expect(ifNoneMatchHits(etag, etag)).toBe(true);
    expect(ifNoneMatchHits(etag.slice(2), etag)).toBe(true);
    expect(ifNoneMatchHits(`W/"x", ${etag}`, etag)).toBe(true);
    expect(ifNoneMatchHits('*', etag)).toBe(true);
    expect(ifNoneMatchHits('W/"x"', etag)).toBe(false);
    expect(ifNoneMatchHits(undefined, etag)).toBe(false);
  });
});

describe('presets', () => {
  const preset = (over: Partial<SubscriptionPreset> = {}): SubscriptionPreset => ({
    metadata: { eventId: 'e', eventTime: 0, producer: 't', correlationId: 'e', causationId: null },
    id: 'p1',
    name: 'n',
    tokenSha256: tokenHash('t'),
    format: 'auto',
    query: {},
    createdAt: 0,
    createdBy: 'k',
    expiresAt: null,
    maxAccesses: null,
    revokedAt: null,
    ...over,
  });

  it('is revoked before expired before exhausted', () => {
    expect(presetState(preset(), 0, 10)).toBe('active');
    expect(presetState(preset({ maxAccesses: 2 }), 2, 10)).toBe('exhausted');
    expect(presetState(preset({ maxAccesses: 2, expiresAt: 10 }), 2, 10)).toBe('expired');
    expect(presetState(preset({ maxAccesses: 2, expiresAt: 10, revokedAt: 5 }), 2, 10)).toBe('revoked');
    expect(presetState(preset({ expiresAt: 11 }), 0, 10)).toBe('active');
  });
});

describe('API keys', () => {
  const admin = testKey('0123456789abcdef', 'admin', 's'.repeat(43));
  const lookup = (id: string) => (id === admin.key.id ? admin.key : undefined);

  it('accepts the right secret and names the role', () => {
    expect(authenticate(admin.text, lookup)).toMatchObject({ outcome: 'ok', role: 'admin' });
  });

  it('tells malformed, unknown, wrong and revoked keys apart', () => {
    expect(authenticate('letmein', lookup).outcome).toBe('malformed');
    expect(authenticate(formatKey('ffffffffffffffff', 's'.repeat(43)), lookup).outcome).toBe('unknown');
    expect(authenticate(formatKey(admin.key.id, 't'.repeat(43)), lookup).outcome).toBe('wrong-secret');
    const revoked = { ...admin.key, revokedAt: 1 };
    expect(authenticate(admin.text, () => revoked).outcome).toBe('revoked');
  });

  it('lets admin do what readers do, not the other way round', () => {
    expect(roleAllows('admin', 'reader')).toBe(true);
    expect(roleAllows('reader', 'admin')).toBe(false);
  });

  it('reads bootstrap keys as hashes and reports bad entries', () => {
    const hash = secretHash('s'.repeat(43));
    const { keys, problems } = parseBootstrapKeys(
      `0123456789abcdef:admin:${hash}, nothex:reader:${hash},bad`,
    );
    expect(keys.map((k) => [k.id, k.role])).toEqual([['0123456789abcdef', 'admin']]);
    expect(problems).toHaveLength(2);
  });
});
