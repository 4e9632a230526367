import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repo root, found from this file (test/helpers/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The shared corpus sits beside the clone (../shared/corpus), here and in CI. */
export const corpusRoot = path.resolve(repoRoot, '../shared/corpus');

export interface CorpusFile {
  /** Path relative to the corpus root: `<publisher>/<commit>/<original path>`. */
  readonly relative: string;
  readonly publisher: string;
  readonly commit: string;
  readonly body: Buffer;
}

export function listCorpusFiles(): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry !== 'SOURCE.md') {
        const relative = path.relative(corpusRoot, full);
        const [publisher = '', commit = ''] = relative.split(path.sep);
        out.push({ relative, publisher, commit, body: readFileSync(full) });
      }
    }
  };
  walk(corpusRoot);
  return out;
}

export interface FuzzSeeds {
  /** Distinct single lines of every list file (base64 lists decoded), share links and garbage alike. */
  readonly lines: readonly string[];
  /** Small but complete documents cut from the structured files (YAML, JSON, QuanX), and the small files whole. */
  readonly documents: readonly string[];
}

const MAX_LINES = 20_000;

/**
 * Corpus-derived seeds for mutation fuzzing: every distinct line of the list files and
 * small documents of 1..4 entries from each structured file, so a mutated seed exercises
 * the real container readers rather than only a size limit.
 */
export function loadFuzzSeeds(): FuzzSeeds {
  const lines = new Set<string>();
  const documents: string[] = [];
  for (const file of listCorpusFiles()) {
    const text = file.body.toString('utf8');
    const trimmed = text.trimStart();
    if (file.body.length < 50_000) documents.push(text);
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      documents.push(...jsonDocuments(text));
      continue;
    }
    if (/^proxies:/m.test(text)) {
      documents.push(...yamlDocuments(text));
      continue;
    }
    const decoded = /^[A-Za-z0-9+/=\s]+$/.test(text.slice(0, 2000))
      ? Buffer.from(text, 'base64').toString('utf8')
      : text;
    for (const line of decoded.split(/\r?\n/)) {
      if (line.trim() !== '' && lines.size < MAX_LINES) lines.add(line);
    }
    if (text.includes('[server_local]')) documents.push(...quantumultDocuments(text));
  }
  return { lines: [...lines], documents };
}

function windows<T>(items: readonly T[], every: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += every) out.push(items.slice(i, i + 1 + (i % 4)));
  return out;
}

function jsonDocuments(text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  if (parsed === null || typeof parsed !== 'object') return [];
  const root = parsed as Record<string, unknown>;
  const out: string[] = [];
  for (const key of ['proxies', 'outbounds', 'endpoints']) {
    const list = root[key];
    if (!Array.isArray(list)) continue;
    for (const slice of windows(list, 7)) out.push(JSON.stringify({ [key]: slice }, null, 2));
  }
  return out;
}

function yamlDocuments(text: string): string[] {
  const entries = text.split('\n').filter((line) => line.startsWith('  - {'));
  return windows(entries, 5).map((slice) => `proxies:\n${slice.join('\n')}\n`);
}

function quantumultDocuments(text: string): string[] {
  const section = text.split('[server_local]')[1] ?? '';
  const entries = section.split('\n').filter((line) => line.includes('='));
  return windows(entries, 5).map((slice) => `[server_local]\n${slice.join('\n')}\n`);
}
