import { describe, expect, it } from 'vitest';
import { diffCatalog } from '../../../../services/core/catalog/catalog-changes.ts';
import type { CatalogEntryPayload } from '../../../../services/core/catalog/catalog-changes.ts';
import { parseCatalogOrThrow } from '../../../../services/core/catalog/parse-catalog.ts';
import { catalogRecords } from '../../../../services/core/processors/catalog-publisher.ts';

const yaml = `
sources:
  - id: alpha
    urls: [https://a.example.com/sub.txt]
    tier: premium
    interval: 30m
  - id: beta
    urls: [https://b.example.com/sub.txt, https://mirror.example.com/b.txt]
    tier: bulk
    interval: 1h
    tags: [region:eu]
    enabled: false
`;

let n = 0;
const deps = {
  now: () => 1_700_000_000_000,
  newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
};

describe('catalog publisher', () => {
  it('publishes every entry of a first load under one correlation id, keyed by source id', () => {
    const records = catalogRecords(
      diffCatalog(new Map(), parseCatalogOrThrow(yaml)),
      { topic: 'cat', producer: 'loader/1' },
      deps,
    );
    expect(records.map((r) => [r.topic, r.key])).toEqual([
      ['cat', 'alpha'],
      ['cat', 'beta'],
    ]);
    const [alpha, beta] = records.map((r) => r.value);
    expect(beta).toMatchObject({
      id: 'beta',
      urls: ['https://b.example.com/sub.txt', 'https://mirror.example.com/b.txt'],
      tier: 'bulk',
      intervalSeconds: 3600,
      tags: ['region:eu'],
      enabled: false,
      allowPrivateAddresses: false,
    });
    expect(alpha?.metadata.correlationId).toBe(beta?.metadata.correlationId);
    expect(alpha?.metadata.eventId).not.toBe(beta?.metadata.eventId);
    expect(alpha?.metadata).toMatchObject({
      producer: 'loader/1',
      causationId: null,
      eventTime: 1_700_000_000_000,
    });
  });

  it('publishes only edits and tombstones for sources the file no longer has', () => {
    const first = catalogRecords(
      diffCatalog(new Map(), parseCatalogOrThrow(yaml)),
      { topic: 'cat', producer: 'p' },
      deps,
    );
    const held = new Map<string, CatalogEntryPayload>(
      first.map((r) => {
        const { metadata: _m, ...payload } = r.value!;
        return [r.key, payload];
      }),
    );
    expect(
      catalogRecords(diffCatalog(held, parseCatalogOrThrow(yaml)), { topic: 'cat', producer: 'p' }, deps),
    ).toEqual([]);

    const edited = yaml.replace('interval: 30m', 'interval: 15m').replace(/ {2}- id: beta[\s\S]*$/, '');
    const records = catalogRecords(
      diffCatalog(held, parseCatalogOrThrow(edited)),
      { topic: 'cat', producer: 'p' },
      deps,
    );
    expect(records.map((r) => [r.key, r.value === null ? null : r.value.intervalSeconds])).toEqual([
      ['alpha', 900],
      ['beta', null],
    ]);
  });
});
