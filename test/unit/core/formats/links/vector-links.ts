import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ProxyConfig } from '../../../../../services/core/model/config.ts';
import type { Diagnostic } from '../../../../../services/core/model/diagnostic.ts';
import { parseLink } from '../../../../../services/core/formats/links/parse-link.ts';
import { splitGluedLinks } from '../../../../../services/core/formats/links/split-glued-links.ts';

// vectors.md sits beside the repository (here and in CI): ../shared/docs/vectors.md. The
// links are read from it so invisible characters (V09's U+200F) stay byte-exact.
const repoRoot = path.resolve(import.meta.dirname, '../../../../..');
const vectorsPath = path.resolve(repoRoot, '../shared/docs/vectors.md');

let cache: Map<string, string[]> | undefined;

/** The lines of the ```text block of each vector, by id (`V01`...). */
export function vectorLines(id: string): string[] {
  if (cache === undefined) {
    cache = new Map();
    const md = readFileSync(vectorsPath, 'utf8');
    for (const m of md.matchAll(/^## (V\d\d)\.[^\n]*\n[\s\S]*?```text\n([\s\S]*?)\n```/gm)) {
      cache.set(m[1] as string, (m[2] as string).split('\n'));
    }
  }
  const lines = cache.get(id);
  if (lines === undefined) throw new Error(`vector ${id} not found in ${vectorsPath}`);
  return lines;
}

export interface Parsed {
  readonly config: ProxyConfig | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly codes: readonly string[];
}

export function parse(link: string, allowPrivateAddresses = false): Parsed {
  const r = parseLink(link, { line: 1, allowPrivateAddresses });
  return { config: r.config, diagnostics: r.diagnostics, codes: r.diagnostics.map((d) => d.code) };
}

/** Parse line `index` of a vector (splitting glued links first), one result per link. */
export function parseVector(id: string, index = 0, allowPrivateAddresses = false): Parsed[] {
  const line = vectorLines(id)[index];
  if (line === undefined) throw new Error(`vector ${id} has no line ${index}`);
  return splitGluedLinks(line).map((l) => parse(l, allowPrivateAddresses));
}

/** The single config a vector line must yield. */
export function configOf(id: string, index = 0): ProxyConfig {
  const results = parseVector(id, index);
  const first = results[0];
  if (results.length !== 1 || first?.config === undefined) {
    throw new Error(
      `${id}[${index}] did not yield exactly one config: ${JSON.stringify(results.map((r) => r.diagnostics))}`,
    );
  }
  return first.config;
}
