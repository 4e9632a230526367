import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseFlowItem } from '../../../../../services/core/formats/containers/flow-yaml.ts';

const corpusRoot = path.resolve(import.meta.dirname, '../../../../..', '../shared/corpus');

/** What the YAML library yields for the same line with the options the Clash reader uses. */
function library(line: string): unknown {
  try {
    const v: unknown = parse(line, {
      schema: 'failsafe',
      customTags: ['null', 'merge'],
      merge: true,
      uniqueKeys: false,
      logLevel: 'silent',
    });
    return Array.isArray(v) ? v[0] : Symbol.for('not-a-sequence');
  } catch {
    return Symbol.for('error');
  }
}

function corpusItemLines(): string[] {
  const out: string[] = [];
  for (const publisher of readdirSync(corpusRoot, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    const dir = path.join(corpusRoot, publisher.name);
    for (const commit of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const source = path.join(dir, commit.name, 'source', 'clash-meta-2.yaml');
      try {
        out.push(
          ...readFileSync(source, 'utf8')
            .split('\n')
            .filter((l) => /^\s*- \{/.test(l)),
        );
      } catch {
        // this commit has no Clash file
      }
    }
  }
  return out;
}

describe('fast flow-mapping reader', () => {
  it('reads every flow-style proxy line of the corpus exactly as the YAML library does', () => {
    const lines = corpusItemLines();
    expect(lines.length).toBeGreaterThan(600);
    for (const line of lines) {
      const mine = parseFlowItem(line);
      expect(mine, line).toBeDefined();
      expect(mine, line).toEqual(library(line));
    }
  });

  it.each([
    `  - {name: "🇺🇸 \\U0001F1FA\\u00e9 \\"q\\" \\\\ \\x41", port: 443}`,
    `  - {name: 'it''s', password: "", sni: ~, alpn: [h2, "http/1.1", ], p: null, e: , }`,
    `  - {name: a b  c , path: /a#b?ed=2048, host: x:y, url: http://h/p, short-id: 00000000, pw: 0123}`,
    `  - {name: 1111, type: vless, reality-opts: {public-key: abc, short-id: "08"}, ws-opts: {headers: {Host: h}}} # note`,
    `  - {a: 1, a: 2}`,
    `  - {}`,
    `  - {name: x, list: [], map: {}}`,
  ])('matches the library on %s', (line) => {
    const mine = parseFlowItem(line);
    expect(mine).toBeDefined();
    expect(mine).toEqual(library(line));
  });

  it.each([
    `  - {name: &a x}`,
    `  - {name: *a}`,
    `  - {<<: *base, name: x}`,
    `  - {name: !!str x}`,
    `  - {name: x} trailing`,
    `  - {name: "unterminated}`,
    `  - {name: "bad \\q escape"}`,
    `  - {name: x`,
    `  - {name:x}`,
    `  - name: x`,
    `  - {? x : y}`,
  ])('leaves %s to the library', (line) => {
    expect(parseFlowItem(line)).toBeUndefined();
  });

  it('never disagrees with the library on generated flow mappings', () => {
    const scalarText = fc.string({
      unit: fc.constantFrom(
        'a',
        'b',
        '1',
        '0',
        ' ',
        ':',
        '#',
        '-',
        '/',
        '?',
        '=',
        '.',
        '@',
        '|',
        "'",
        '"',
        '\\',
        'é',
        '🇺',
        ',',
        '[',
        '{',
        '}',
        ']',
        '~',
        '&',
        '*',
        '!',
      ),
    });
    const quoted = scalarText.map((s) => JSON.stringify(s));
    const single = scalarText.map((s) => `'${s.replace(/'/g, "''")}'`);
    const plain = scalarText.map((s) => s.trim());
    const value: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        plain,
        quoted,
        single,
        fc.array(tie('v'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
        fc
          .array(fc.tuple(fc.oneof(plain, quoted), tie('v')), { maxLength: 3 })
          .map((ps) => `{${ps.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
      ),
    })).v;
    const line = fc
      .array(fc.tuple(fc.oneof(plain, quoted, single), value), { maxLength: 5 })
      .map((ps) => `  - {${ps.map(([k, v]) => `${k}: ${v}`).join(', ')}}`);
    fc.assert(
      fc.property(line, (l) => {
        const mine = parseFlowItem(l);
        if (mine !== undefined) expect(mine).toEqual(library(l));
      }),
      { numRuns: 3000 },
    );
  });
});
