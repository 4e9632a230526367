import { describe, expect, it } from 'vitest';
import {
  CATALOG_ISSUE_CODES,
  CatalogError,
  parseCatalog,
  parseCatalogOrThrow,
  TIER_DEFAULT_INTERVAL_SECONDS,
} from '../../../../services/core/catalog/index.ts';
import type { CatalogIssue } from '../../../../services/core/catalog/index.ts';

function issuesOf(text: string): readonly CatalogIssue[] {
  const result = parseCatalog(text);
  if (result.ok) throw new Error('expected the catalog to be rejected');
  return result.issues;
}

/** A catalog with one entry: `fields` is the YAML of that entry, indented by 4. */
const oneEntry = (fields: string): string => `sources:\n  - ${fields.trim().split('\n').join('\n    ')}\n`;

describe('parseCatalog', () => {
  it('reads a minimal entry and fills every default', () => {
    const result = parseCatalog('sources:\n  - id: a\n    urls: [https://a.test/sub]\n');
    expect(result).toEqual({
      ok: true,
      catalog: {
        allowPrivateAddresses: false,
        sources: [
          {
            id: 'a',
            urls: ['https://a.test/sub'],
            tier: 'reliable',
            format: 'auto',
            intervalSeconds: TIER_DEFAULT_INTERVAL_SECONDS.reliable,
            tags: [],
            enabled: true,
          },
        ],
      },
    });
  });

  it('reads every field, keeps mirrors in order and normalises URLs and tags', () => {
    const catalog = parseCatalogOrThrow(`
allowPrivateAddresses: true
sources:
  - id: local.src_1
    urls:
      - http://127.0.0.1:8080/Sub?token=A
      - HTTPS://Mirror.Example.test/sub
    tier: premium
    format: clash
    interval: 1h30m
    tags: [z, region:eu, z]
    enabled: false
`);
    expect(catalog.allowPrivateAddresses).toBe(true);
    expect(catalog.sources[0]).toEqual({
      id: 'local.src_1',
      urls: ['http://127.0.0.1:8080/Sub?token=A', 'https://mirror.example.test/sub'],
      tier: 'premium',
      format: 'clash',
      intervalSeconds: 5400,
      tags: ['region:eu', 'z'],
      enabled: false,
    });
  });

  it('uses the tier default interval when an entry names none', () => {
    const catalog = parseCatalogOrThrow(oneEntry('id: a\nurls: [https://a.test/]\ntier: bulk'));
    expect(catalog.sources[0]?.intervalSeconds).toBe(TIER_DEFAULT_INTERVAL_SECONDS.bulk);
  });

  it('accepts an empty sources list', () => {
    expect(parseCatalogOrThrow('sources: []\n').sources).toEqual([]);
  });

  it('returns a frozen catalog', () => {
    const catalog = parseCatalogOrThrow(oneEntry('id: a\nurls: [https://a.test/]'));
    expect(Object.isFrozen(catalog)).toBe(true);
    expect(Object.isFrozen(catalog.sources[0])).toBe(true);
    expect(Object.isFrozen(catalog.sources[0]?.urls)).toBe(true);
  });

  describe('rejects, naming the entry and the field', () => {
    const cases: [string, string, Partial<CatalogIssue>][] = [
      [
        'a missing id',
        'urls: [https://a.test/]',
        { code: 'MISSING_FIELD', path: 'sources[0].id', field: 'id' },
      ],
      ['missing urls', 'id: a', { code: 'MISSING_FIELD', path: 'sources[0].urls', entryId: 'a' }],
      [
        'an id that is not a slug',
        'id: Bad Id\nurls: [https://a.test/]',
        { code: 'INVALID_ID', field: 'id' },
      ],
      ['an id of the wrong type', 'id: 42\nurls: [https://a.test/]', { code: 'INVALID_TYPE', field: 'id' }],
      ['an empty urls list', 'id: a\nurls: []', { code: 'EMPTY_URLS', field: 'urls' }],
      [
        'urls given as a single string',
        'id: a\nurls: https://a.test/',
        { code: 'INVALID_TYPE', field: 'urls' },
      ],
      [
        'a URL that does not parse',
        'id: a\nurls: ["http://a b/"]',
        { code: 'INVALID_URL', field: 'urls[0]' },
      ],
      ['a relative URL', 'id: a\nurls: [/sub.txt]', { code: 'INVALID_URL', field: 'urls[0]' }],
      [
        'a URL with credentials',
        'id: a\nurls: ["https://u:p@a.test/"]',
        { code: 'INVALID_URL', field: 'urls[0]' },
      ],
      [
        'a URL longer than 2048 characters',
        `id: a\nurls: ["https://a.test/${'x'.repeat(2100)}"]`,
        { code: 'INVALID_URL', field: 'urls[0]' },
      ],
      ['an ftp URL', 'id: a\nurls: [ftp://a.test/sub]', { code: 'UNSUPPORTED_URL_SCHEME', field: 'urls[0]' }],
      [
        'a file URL',
        'id: a\nurls: ["file:///etc/passwd"]',
        { code: 'UNSUPPORTED_URL_SCHEME', field: 'urls[0]' },
      ],
      [
        'the same URL twice in one entry',
        'id: a\nurls: [https://a.test/x, https://A.test/x]',
        { code: 'DUPLICATE_URL', field: 'urls[1]' },
      ],
      [
        'an unknown tier',
        'id: a\nurls: [https://a.test/]\ntier: gold',
        { code: 'INVALID_TIER', field: 'tier' },
      ],
      [
        'a detection result as format',
        'id: a\nurls: [https://a.test/]\nformat: html',
        { code: 'INVALID_FORMAT', field: 'format' },
      ],
      [
        'an interval without a unit',
        'id: a\nurls: [https://a.test/]\ninterval: 30',
        { code: 'INVALID_TYPE', field: 'interval' },
      ],
      [
        'an interval that is not a duration',
        'id: a\nurls: [https://a.test/]\ninterval: 1.5h',
        { code: 'INVALID_INTERVAL', field: 'interval' },
      ],
      [
        'an interval below the minimum',
        'id: a\nurls: [https://a.test/]\ninterval: 5s',
        { code: 'INTERVAL_OUT_OF_BOUNDS', field: 'interval' },
      ],
      [
        'an interval above the maximum',
        'id: a\nurls: [https://a.test/]\ninterval: 8d',
        { code: 'INTERVAL_OUT_OF_BOUNDS', field: 'interval' },
      ],
      [
        'an upper-case tag',
        'id: a\nurls: [https://a.test/]\ntags: [EU]',
        { code: 'INVALID_TAG', field: 'tags[0]' },
      ],
      [
        'tags given as a string',
        'id: a\nurls: [https://a.test/]\ntags: eu',
        { code: 'INVALID_TYPE', field: 'tags' },
      ],
      [
        'enabled given as a word',
        'id: a\nurls: [https://a.test/]\nenabled: "yes"',
        { code: 'INVALID_TYPE', field: 'enabled' },
      ],
      [
        'a misspelt field',
        'id: a\nurls: [https://a.test/]\nintervl: 1h',
        { code: 'UNKNOWN_FIELD', field: 'intervl', path: 'sources[0].intervl' },
      ],
    ];

    it.each(cases)('%s', (_, fields, expected) => {
      const issues = issuesOf(oneEntry(fields));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ entryIndex: 0, ...expected });
      const issue = issues[0] as CatalogIssue;
      expect(issue.message.startsWith('sources[0]')).toBe(true);
      if (issue.field) expect(issue.message).toContain(`: ${issue.field}: `);
    });

    it('an entry that is not a mapping', () => {
      const [issue] = issuesOf('sources:\n  - https://a.test/sub\n');
      expect(issue).toMatchObject({ code: 'INVALID_TYPE', path: 'sources[0]', entryIndex: 0 });
      expect(issue?.message).toContain('must be a mapping with id, urls');
    });

    it('names the entry by id in the message when it has one', () => {
      const [issue] = issuesOf(oneEntry('id: my-src\nurls: [ftp://a.test/]'));
      expect(issue?.message).toBe(
        'sources[0] (id "my-src"): urls[0]: only http and https URLs are allowed (got "ftp")',
      );
    });
  });

  describe('rejects across entries', () => {
    it('a duplicate id, pointing at the first entry that has it', () => {
      const issues = issuesOf(
        'sources:\n  - id: a\n    urls: [https://a.test/1]\n  - id: a\n    urls: [https://a.test/2]\n',
      );
      expect(issues).toEqual([
        {
          code: 'DUPLICATE_ID',
          path: 'sources[1].id',
          entryIndex: 1,
          entryId: 'a',
          field: 'id',
          message: 'sources[1] (id "a"): id: duplicate of sources[0]',
        },
      ]);
    });

    it('a URL another entry already fetches, compared after normalisation', () => {
      const issues = issuesOf(
        'sources:\n  - id: a\n    urls: [https://a.test/x]\n  - id: b\n    urls: [https://A.TEST:443/x]\n',
      );
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code: 'DUPLICATE_URL', entryIndex: 1, field: 'urls[0]' });
      expect(issues[0]?.message).toContain('same URL as sources[0] (id "a") urls[0]');
    });

    it('duplicates even inside entries that have other problems', () => {
      const issues = issuesOf(
        'sources:\n  - id: a\n    urls: [https://a.test/x]\n  - id: a\n    urls: [https://b.test/x]\n    tier: gold\n',
      );
      expect(issues.map((i) => i.code).sort()).toEqual(['DUPLICATE_ID', 'INVALID_TIER']);
    });
  });

  describe('rejects at the top level', () => {
    it('YAML that does not parse', () => {
      expect(issuesOf('sources: [\n')).toMatchObject([{ code: 'INVALID_YAML', path: '' }]);
    });

    it('YAML with a repeated key', () => {
      expect(issuesOf('sources: []\nsources: []\n')[0]?.code).toBe('INVALID_YAML');
    });

    it.each([
      ['an empty file', ''],
      ['a list', '- id: a\n'],
      ['a scalar', 'hello\n'],
    ])('%s', (_, text) => {
      expect(issuesOf(text)).toMatchObject([{ code: 'NOT_A_CATALOG' }]);
    });

    it('a missing sources list', () => {
      expect(issuesOf('allowPrivateAddresses: false\n')).toMatchObject([
        { code: 'MISSING_FIELD', path: 'sources', message: 'sources: is required' },
      ]);
    });

    it('sources that is not a list', () => {
      expect(issuesOf('sources: {a: 1}\n')).toMatchObject([{ code: 'INVALID_TYPE', path: 'sources' }]);
    });

    it('allowPrivateAddresses that is not a boolean', () => {
      expect(issuesOf('allowPrivateAddresses: "yes"\nsources: []\n')).toMatchObject([
        { code: 'INVALID_TYPE', path: 'allowPrivateAddresses' },
      ]);
    });

    it('an unknown top-level field', () => {
      expect(issuesOf('sources: []\nsource: []\n')).toMatchObject([
        { code: 'UNKNOWN_FIELD', path: 'source' },
      ]);
    });
  });

  it('reports every problem of every entry at once, top level included', () => {
    const issues = issuesOf(`
extra: 1
sources:
  - id: a
    urls: [ftp://a.test/]
    tier: gold
  - id: b
    urls: []
  - urls: [https://c.test/]
`);
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['UNKNOWN_FIELD', 'extra'],
      ['UNSUPPORTED_URL_SCHEME', 'sources[0].urls[0]'],
      ['INVALID_TIER', 'sources[0].tier'],
      ['EMPTY_URLS', 'sources[1].urls'],
      ['MISSING_FIELD', 'sources[2].id'],
    ]);
  });

  it('uses only stable codes from the catalogue of issue codes', () => {
    const issues = issuesOf('sources:\n  - id: A\n    urls: [x]\n    tier: 1\n');
    const known = new Set<string>(Object.values(CATALOG_ISSUE_CODES));
    for (const issue of issues) expect(known.has(issue.code)).toBe(true);
  });
});

describe('parseCatalogOrThrow', () => {
  it('throws a CatalogError that lists every problem', () => {
    let caught: unknown;
    try {
      parseCatalogOrThrow('sources:\n  - id: a\n    urls: []\n  - id: B\n    urls: [https://b.test/]\n');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CatalogError);
    expect(caught).toMatchObject({ code: 'CATALOG_INVALID', retriable: false });
    const error = caught as CatalogError;
    expect(error.issues).toHaveLength(2);
    expect(error.message).toContain('2 problems');
    expect(error.message).toContain('sources[0] (id "a"): urls:');
    expect(error.message).toContain('sources[1] (id "B"): id:');
  });
});
