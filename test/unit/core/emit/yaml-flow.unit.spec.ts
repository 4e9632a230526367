import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { yamlFlow, yamlKey, yamlString } from '../../../../services/core/emit/yaml-flow.ts';

// Strings YAML loaders are known to turn into something else when unquoted (formats.md §5.9).
const TRAPS = [
  '00000000',
  '08',
  '0983e134',
  '1e3',
  '0x1F',
  '0o17',
  '.inf',
  '-.Inf',
  '.nan',
  '1_000',
  '12:30:00',
  '2026-01-01',
  'null',
  'Null',
  '~',
  '',
  'true',
  'False',
  'yes',
  'NO',
  'on',
  'Off',
  'y',
  'n',
  '- item',
  '? key',
  ': value',
  '#comment',
  '&anchor',
  '*alias',
  '!tag',
  '|',
  '>',
  '%directive',
  '@at',
  '`tick',
  '{a: 1}',
  '[1, 2]',
  'a: b',
  'a #b',
  "it's",
  'say "hi"',
  'back\\slash',
  'tab\there',
  'line\nbreak',
  'cr\rhere',
  '\u0085nel',
  '\u2028ls',
  '\u2029ps',
  '\ufeffbom',
  '\u0000nul',
  '\u007fdel',
  '\u009fapc',
  ' leading',
  'trailing ',
  '🇳🇱 flag',
  '日本v2|@ripaojiedian',
];

describe('yamlString', () => {
  it.each(TRAPS)('keeps %j a string under YAML 1.1 and 1.2', (value) => {
    const text = `v: ${yamlString(value)}`;
    expect(parse(text, { version: '1.2' })).toEqual({ v: value });
    expect(parse(text, { version: '1.1' })).toEqual({ v: value });
  });

  it('round-trips any well-formed string through the yaml package under both schemas', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme-composite', maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        (a, b) => {
          const value = a + b;
          const text = `v: ${yamlString(value)}`;
          expect(parse(text, { version: '1.2' })).toEqual({ v: value });
          expect(parse(text, { version: '1.1' })).toEqual({ v: value });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('escapes a lone surrogate instead of writing invalid UTF-8', () => {
    expect(yamlString('a\ud800b')).toBe('"a\\ud800b"');
  });
});

describe('yamlKey', () => {
  it('leaves identifier keys plain and quotes keys YAML would read as booleans or nulls', () => {
    expect(yamlKey('skip-cert-verify')).toBe('skip-cert-verify');
    expect(yamlKey('y')).toBe('"y"');
    expect(yamlKey('on')).toBe('"on"');
    expect(yamlKey('a b')).toBe('"a b"');
    expect(yamlKey('1abc')).toBe('"1abc"');
  });
});

describe('yamlFlow', () => {
  it('writes nested maps and lists in flow style and skips undefined entries', () => {
    const text = yamlFlow({
      name: 'x',
      port: 443,
      udp: true,
      alpn: ['h2', 'h3'],
      opts: { path: '/', gone: undefined },
    });
    expect(text).toBe('{name: "x", port: 443, udp: true, alpn: ["h2", "h3"], opts: {path: "/"}}');
    expect(parse(`- ${text}`)).toEqual([
      { name: 'x', port: 443, udp: true, alpn: ['h2', 'h3'], opts: { path: '/' } },
    ]);
  });
});
