import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../../services/core/model/diagnostic.ts';
import type { ParseResult } from '../../../services/core/model/parse-result.ts';
import { parseSubscription } from '../../../services/core/formats/parse-subscription.ts';

// The shared corpus sits beside the repository (here and in CI): ../shared/corpus.
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const corpusRoot = path.resolve(repoRoot, '../shared/corpus');

interface Row {
  readonly file: string;
  readonly bytes: number;
  readonly format: string;
  readonly counts: ReadonlyMap<string, number>;
}

/** Rows of the "Files and counts" table of a SOURCE.md: `| \`path\` @ \`commit\` | bytes | format | counts |`. */
function readSourceTable(publisherDir: string): Row[] {
  const md = readFileSync(path.join(publisherDir, 'SOURCE.md'), 'utf8');
  const rows: Row[] = [];
  for (const line of md.split('\n')) {
    const m = /^\| `([^`]+)` @ `([0-9a-f]{12})` \| (\d+) \| ([^|]+) \| (.+) \|$/.exec(line);
    if (m === null) continue;
    const counts = new Map<string, number>();
    for (const c of (m[5] as string).matchAll(/`([^`]+)` (\d+)/g)) counts.set(c[1] as string, Number(c[2]));
    rows.push({
      file: path.join(publisherDir, m[2] as string, m[1] as string),
      bytes: Number(m[3]),
      format: m[4] as string,
      counts,
    });
  }
  return rows;
}

function expectedContainer(format: string): string {
  if (format.startsWith('plain text')) return 'uri-list';
  if (format.startsWith('base64')) return 'base64';
  if (format.startsWith('Clash')) return 'clash';
  if (format.startsWith('sing-box')) return 'sing-box';
  if (format.startsWith('Xray')) return 'xray';
  if (format.startsWith('Quantumult X')) return 'quantumult-x';
  throw new Error(`unknown format in SOURCE.md: ${format}`);
}

/** The entry key SOURCE.md counts (`vless://`, `trojan`, `protocol:vless`) as the parse names it. */
function entryKey(key: string, container: string): string {
  if (key.endsWith('://')) return key.slice(0, -3);
  if (key.startsWith('protocol:')) return `xray:${key.slice('protocol:'.length)}`;
  return `${container}:${key}`;
}

interface Accounting {
  readonly configs: number;
  /** Entries (distinct lines / entry indexes) rejected with at least one error diagnostic. */
  readonly rejected: number;
  readonly nonProxy: number;
  readonly reasons: readonly string[];
}

function account(result: ParseResult, key: string): Accounting {
  const configs = result.configs.filter((c) => c.origin.from === key).length;
  const rejectedLines = new Map<number, string>();
  for (const d of result.diagnostics) {
    if (d.severity === 'error' && d.scheme === key && d.line !== undefined && !rejectedLines.has(d.line))
      rejectedLines.set(d.line, d.code);
  }
  return {
    configs,
    rejected: rejectedLines.size,
    nonProxy: result.nonProxyEntries?.[key] ?? 0,
    reasons: [...rejectedLines.values()],
  };
}

function countCodes(result: ParseResult, ...codes: readonly string[]): number {
  return result.diagnostics.filter((d) => codes.includes(d.code)).length;
}

const publishers = readdirSync(corpusRoot).filter((d) => statSync(path.join(corpusRoot, d)).isDirectory());
const rows = publishers.flatMap((p) => readSourceTable(path.join(corpusRoot, p)));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('shared corpus: counts per file match SOURCE.md', () => {
  it('has a SOURCE.md row for every corpus data file', () => {
    const files = walk(corpusRoot)
      .filter((f) => path.basename(f) !== 'SOURCE.md')
      .sort();
    expect(files.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.file).sort()).toEqual(files);
  });

  for (const row of rows) {
    const label = path.relative(corpusRoot, row.file);
    it(`accounts for every entry of ${label}: each config or rejection diagnostic per SOURCE.md count`, () => {
      const body = readFileSync(row.file);
      expect(body.byteLength).toBe(row.bytes);
      const result = parseSubscription(body);
      const container = expectedContainer(row.format);
      expect(result.container).toBe(container);

      const prefix = container === 'uri-list' || container === 'base64' ? '' : container;
      const keys = new Set<string>();
      for (const [key, expected] of row.counts) {
        if (key === '(comment //)') {
          expect(countCodes(result, DIAGNOSTIC_CODES.commentLine, DIAGNOSTIC_CODES.metadataLine), key).toBe(
            expected,
          );
          continue;
        }
        if (key === '(other non-URI line)') {
          expect(countCodes(result, DIAGNOSTIC_CODES.garbageLine), key).toBe(expected);
          continue;
        }
        const k = entryKey(key, prefix);
        keys.add(k);
        const a = account(result, k);
        // A difference between configs and SOURCE.md must be entries rejected with a reason code.
        expect(
          { key, accounted: a.configs + a.rejected + a.nonProxy },
          `${key}: ${a.configs} configs, rejected ${a.reasons.join(',')}`,
        ).toEqual({
          key,
          accounted: expected,
        });
      }
      // Nothing read from an entry type SOURCE.md does not list (e.g. a glued-line split gone wrong).
      const extra = result.configs.map((c) => c.origin.from).filter((from) => !keys.has(from));
      expect(extra).toEqual([]);
      if (!row.counts.has('(other non-URI line)'))
        expect(countCodes(result, DIAGNOSTIC_CODES.garbageLine)).toBe(0);
    });
  }
});
