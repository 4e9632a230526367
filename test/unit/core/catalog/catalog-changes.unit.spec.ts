import { describe, expect, it } from 'vitest';
import {
  diffCatalog,
  parseCatalogOrThrow,
  toCatalogPayload,
} from '../../../../services/core/catalog/index.ts';
import type { CatalogEntryPayload, SourcesCatalog } from '../../../../services/core/catalog/index.ts';

const catalog = (yaml: string): SourcesCatalog => parseCatalogOrThrow(yaml);
const held = (c: SourcesCatalog): Map<string, CatalogEntryPayload> =>
  new Map(c.sources.map((s) => [s.id, toCatalogPayload(s, c.allowPrivateAddresses)]));

const base = catalog(`
sources:
  - id: a
    urls: [https://a.test/]
    tags: [x, y]
  - id: b
    urls: [https://b.test/]
`);

describe('diffCatalog', () => {
  it('publishes every entry of a first load', () => {
    const changes = diffCatalog(new Map(), base);
    expect(changes.upserts.map((u) => u.id)).toEqual(['a', 'b']);
    expect(changes.removals).toEqual([]);
    expect(changes.upserts[0]).toEqual({
      id: 'a',
      urls: ['https://a.test/'],
      tier: 'reliable',
      format: 'auto',
      intervalSeconds: 3600,
      tags: ['x', 'y'],
      enabled: true,
      allowPrivateAddresses: false,
    });
  });

  it('publishes nothing when the file did not change', () => {
    expect(diffCatalog(held(base), base)).toEqual({ upserts: [], removals: [] });
  });

  it('ignores tag order in what the topic holds', () => {
    const current = held(base);
    const a = current.get('a');
    if (a) current.set('a', { ...a, tags: ['y', 'x'] });
    expect(diffCatalog(current, base).upserts).toEqual([]);
  });

  it('publishes an edited, an added and a disabled entry, and a tombstone for a removed one', () => {
    const next = catalog(`
sources:
  - id: a
    urls: [https://a.test/, https://mirror.a.test/]
    tags: [x, y]
  - id: c
    urls: [https://c.test/]
    enabled: false
`);
    const changes = diffCatalog(held(base), next);
    expect(changes.upserts.map((u) => [u.id, u.urls.length, u.enabled])).toEqual([
      ['a', 2, true],
      ['c', 1, false],
    ]);
    expect(changes.removals).toEqual(['b']);
  });

  it('republishes every entry when the catalog-wide private-address switch flips', () => {
    const next = catalog(`
allowPrivateAddresses: true
sources:
  - id: a
    urls: [https://a.test/]
    tags: [x, y]
  - id: b
    urls: [https://b.test/]
`);
    expect(diffCatalog(held(base), next).upserts.map((u) => [u.id, u.allowPrivateAddresses])).toEqual([
      ['a', true],
      ['b', true],
    ]);
  });
});
