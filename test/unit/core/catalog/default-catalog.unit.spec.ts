import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildEntries, collectSeedUrls, tierOfGroup } from '../../../../scripts/build-default-catalog.ts';
import { parseCatalog, TIER_LIST } from '../../../../services/core/catalog/index.ts';
import type { SourcesCatalog } from '../../../../services/core/catalog/index.ts';

const ROOT = join(import.meta.dirname, '../../../..');
const DEFAULT_CATALOG = join(ROOT, 'catalog', 'sources.default.yaml');

describe('the shipped default catalog', () => {
  const result = parseCatalog(readFileSync(DEFAULT_CATALOG, 'utf8'));
  const catalog: SourcesCatalog = result.ok ? result.catalog : { allowPrivateAddresses: true, sources: [] };

  it('validates without a single issue', () => {
    expect(result.ok ? [] : result.issues.slice(0, 5)).toEqual([]);
  });

  it('holds about 500 unique public URLs, each fetched by exactly one entry', () => {
    const urls = catalog.sources.flatMap((s) => s.urls);
    expect(new Set(urls).size).toBe(urls.length);
    expect(urls.length).toBeGreaterThanOrEqual(480);
    expect(urls.length).toBeLessThanOrEqual(520);
    for (const url of urls) expect(url).toMatch(/^https?:\/\//);
  });

  it('keeps the address guard on', () => {
    expect(catalog.allowPrivateAddresses).toBe(false);
  });

  it('uses the tiers for what they mean: few premium, most bulk', () => {
    const count = (tier: string) => catalog.sources.filter((s) => s.tier === tier).length;
    expect(count('premium')).toBeGreaterThan(0);
    expect(count('reliable')).toBeGreaterThan(0);
    expect(count('bulk')).toBeGreaterThan(count('premium') + count('reliable'));
  });

  it('never puts a subscription token from a query string into an id', () => {
    for (const source of catalog.sources) {
      for (const url of source.urls) {
        for (const value of new URL(url).searchParams.values()) {
          if (value.length >= 8) expect(source.id).not.toContain(value.toLowerCase());
        }
      }
    }
  });
});

describe('building the default catalog from the seed', () => {
  const seed = (groups: Record<string, unknown>) => ({ sources: groups });
  const url = (u: string, extra: Record<string, unknown> = {}) => ({
    url: u,
    protocols: ['vless'],
    region: 'global',
    ...extra,
  });

  it('maps every seed group to a tier and refuses an unknown group', () => {
    expect(tierOfGroup('tier_1_premium')).toBe('premium');
    expect(tierOfGroup('fallback_sources.emergency_backup')).toBe('premium');
    expect(tierOfGroup('regional_optimized.asia')).toBe('reliable');
    expect(tierOfGroup('specialized_protocols.tuic')).toBe('reliable');
    expect(tierOfGroup('tier_3_extracted')).toBe('bulk');
    expect(tierOfGroup('experimental')).toBe('experimental');
    expect(() => tierOfGroup('tier_9_mystery')).toThrow(/no tier mapping/);
  });

  it('deduplicates URLs, keeping the best tier and the tags of every group', () => {
    const entries = buildEntries(
      collectSeedUrls(
        seed({
          tier_3_extracted: {
            urls: [url('https://raw.githubusercontent.com/o/r/main/a.txt', { protocols: ['ss'] })],
          },
          tier_1_premium: {
            urls: [url('https://raw.githubusercontent.com/o/r/main/a.txt', { region: 'EU' })],
          },
        }),
      ),
    );
    expect(entries).toEqual([
      {
        id: 'gh-o-r-main-a-txt',
        url: 'https://raw.githubusercontent.com/o/r/main/a.txt',
        tier: 'premium',
        tags: [
          'protocol:shadowsocks',
          'protocol:vless',
          'region:eu',
          'seed:tier_1_premium',
          'seed:tier_3_extracted',
        ],
      },
    ]);
  });

  it('gives URLs whose slugs collide distinct ids that do not depend on order', () => {
    const a = url('https://a.test/sub?token=1');
    const b = url('https://a.test/sub?token=2');
    const forward = buildEntries(collectSeedUrls(seed({ tier_3_bulk: { urls: [a, b] } })));
    const backward = buildEntries(collectSeedUrls(seed({ tier_3_bulk: { urls: [b, a] } })));
    expect(new Set(forward.map((e) => e.id)).size).toBe(2);
    for (const e of forward) expect(e.id).toMatch(/^a-test-sub-[0-9a-f]{6}$/);
    expect(Object.fromEntries(backward.map((e) => [e.url, e.id]))).toEqual(
      Object.fromEntries(forward.map((e) => [e.url, e.id])),
    );
  });

  it('orders entries by tier, then id', () => {
    const entries = buildEntries(
      collectSeedUrls(
        seed({
          experimental: { urls: [url('https://e.test/')] },
          tier_3_bulk: { urls: [url('https://b.test/'), url('https://a.test/')] },
          tier_1_premium: { urls: [url('https://z.test/')] },
        }),
      ),
    );
    expect(entries.map((e) => e.id)).toEqual(['z-test', 'a-test', 'b-test', 'e-test']);
    expect([...new Set(entries.map((e) => e.tier))]).toEqual(TIER_LIST.filter((t) => t !== 'reliable'));
  });

  // shared/ sits beside the repository (in CI too), like the corpus.
  const SEED = resolve(import.meta.dirname, '../../../../../shared/seed-sources/sources.unified.yaml');
  it('rebuilds exactly the entries shipped, from the seed catalog', () => {
    const built = buildEntries(collectSeedUrls(parse(readFileSync(SEED, 'utf8'))));
    const shipped = parseCatalog(readFileSync(DEFAULT_CATALOG, 'utf8'));
    if (!shipped.ok) throw new Error('shipped catalog invalid');
    expect(shipped.catalog.sources.map((s) => [s.id, s.urls[0], s.tier, s.tags])).toEqual(
      built.map((e) => [e.id, e.url, e.tier, e.tags]),
    );
  });
});
