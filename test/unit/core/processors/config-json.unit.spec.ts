import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSubscription } from '../../../../services/core/formats/parse-subscription.ts';
import type { ProxyConfig } from '../../../../services/core/model/index.ts';
import {
  configJson,
  isWithTopLevelName,
  withTopLevelName,
} from '../../../../services/core/processors/config-json.ts';
import { listCorpusFiles } from '../../../helpers/fuzz-seeds.ts';

/** The obvious definition: a deep copy with sorted keys, through JSON.stringify. */
function reference(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    // fromEntries defines own properties, `__proto__` included.
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((key) => [key, sort((v as Record<string, unknown>)[key])]),
    );
  };
  return JSON.stringify(sort(value));
}

describe('configJson', () => {
  it('equals JSON.stringify of a key-sorted copy for every config of the corpus', () => {
    let checked = 0;
    for (const file of listCorpusFiles()) {
      for (const { config } of parseSubscription(file.body).configs) {
        expect(configJson(config)).toBe(reference(config));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  // JS objects list integer-like keys first whatever the insertion order, so the reference can only
  // agree where there are none (config fields never are); configJson itself sorts them as strings.
  const noIndexKeys = (v: unknown): boolean =>
    Array.isArray(v)
      ? v.every(noIndexKeys)
      : v === null ||
        typeof v !== 'object' ||
        Object.entries(v).every(([k, x]) => !/^(0|[1-9]\d*)$/.test(k) && noIndexKeys(x));

  it('equals JSON.stringify of a key-sorted copy for arbitrary JSON-like values', () => {
    fc.assert(
      fc.property(
        fc.jsonValue().filter(noIndexKeys),
        fc.dictionary(fc.string(), fc.option(fc.integer(), { nil: undefined })).filter(noIndexKeys),
        (json, sparse) => {
          expect(configJson(json as unknown as ProxyConfig)).toBe(reference(json));
          expect(configJson(sparse as unknown as ProxyConfig)).toBe(reference(sparse));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('quotes keys and strings exactly as JSON.stringify does: quotes, backslashes, controls, non-ASCII, lone surrogates', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 80 }));
    fc.assert(
      fc.property(fc.dictionary(text, text).filter(noIndexKeys), fc.array(text), (record, list) => {
        expect(configJson(record as unknown as ProxyConfig)).toBe(reference(record));
        expect(configJson({ list } as unknown as ProxyConfig)).toBe(reference({ list }));
      }),
      { numRuns: 1000 },
    );
    for (const edge of ['', '"', '\\', '\u001f', '\u007f', '\ud800', 'é', 'a'.repeat(64), 'a'.repeat(65)])
      expect(configJson({ [edge]: edge } as unknown as ProxyConfig)).toBe(JSON.stringify({ [edge]: edge }));
  });

  it('does not depend on the order the fields were set in', () => {
    const a = { protocol: 'trojan', name: 'x', server: 's', port: 1, tls: { sni: 'a', alpn: ['h2'] } };
    const b = { tls: { alpn: ['h2'], sni: 'a' }, port: 1, server: 's', name: 'x', protocol: 'trojan' };
    expect(configJson(a as unknown as ProxyConfig)).toBe(configJson(b as unknown as ProxyConfig));
  });
});

describe('withTopLevelName', () => {
  /** The definition: parse, set the top-level name, write canonically again. */
  const renamed = (json: string, name: string): string => {
    const value = JSON.parse(json) as Record<string, unknown>;
    return typeof value['name'] === 'string' ? configJson({ ...value, name } as ProxyConfig) : json;
  };

  it('equals parse-rename-write on every config of the corpus and arbitrary names', () => {
    const configs = listCorpusFiles().flatMap((f) =>
      parseSubscription(f.body).configs.map((c) => configJson(c.config)),
    );
    expect(configs.length).toBeGreaterThan(1000);
    fc.assert(
      fc.property(fc.constantFrom(...configs), fc.string({ unit: 'binary' }), (json, name) => {
        expect(withTopLevelName(json, name)).toBe(renamed(json, name));
      }),
      { numRuns: 2000 },
    );
  });

  it('isWithTopLevelName answers whether a text is withTopLevelName of another, without building it', () => {
    const configs = listCorpusFiles()
      .slice(0, 40)
      .flatMap((f) => parseSubscription(f.body).configs.map((c) => configJson(c.config)));
    fc.assert(
      fc.property(
        fc.constantFrom(...configs),
        fc.constantFrom(...configs),
        fc.string(),
        fc.boolean(),
        (json, base, name, renamedBase) => {
          const candidate = renamedBase ? withTopLevelName(base, name) : json;
          expect(isWithTopLevelName(candidate, base, name)).toBe(candidate === withTopLevelName(base, name));
        },
      ),
      { numRuns: 2000 },
    );
    expect(isWithTopLevelName('{"port":1}', '{"port":1}', 'x')).toBe(true);
    expect(isWithTopLevelName('{"name":"a","port":1}', '{"name":"b","port":1}', 'a')).toBe(true);
    expect(isWithTopLevelName('{"name":"a","port":2}', '{"name":"b","port":1}', 'a')).toBe(false);
  });

  it('changes only the top-level name, never a nested one or a value that spells "name"', () => {
    const json = configJson({
      alpn: ['"name"', 'x\\'],
      name: 'old "quoted" \\ name',
      plugin: { name: 'inner' },
      z: 'name',
    } as unknown as ProxyConfig);
    expect(JSON.parse(withTopLevelName(json, 'new'))).toEqual({
      alpn: ['"name"', 'x\\'],
      name: 'new',
      plugin: { name: 'inner' },
      z: 'name',
    });
  });

  it('leaves a config without a top-level string name as it is', () => {
    expect(withTopLevelName('{"plugin":{"name":"inner"},"port":1}', 'x')).toBe(
      '{"plugin":{"name":"inner"},"port":1}',
    );
    expect(withTopLevelName('{"name":7}', 'x')).toBe('{"name":7}');
    expect(withTopLevelName('not json', 'x')).toBe('not json');
  });
});
