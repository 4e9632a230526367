import { parseAllDocuments, parseDocument } from 'yaml';
import type { DocumentOptions, ParseOptions as YamlParseOptions, SchemaOptions, ToJSOptions } from 'yaml';
import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import { readClashEntry } from './clash-entry.ts';
import { parseFlowItem } from './flow-yaml.ts';
import type { Collector } from './collector.ts';
import { forEachLine } from './lines.ts';
import { maxBracketDepth } from './nesting.ts';
import { isObj, str } from './values.ts';

type YamlOptions = YamlParseOptions & DocumentOptions & SchemaOptions & ToJSOptions;

/**
 * Every scalar stays the text the publisher wrote (`short-id: 00000000`, `password: 0123`,
 * `name: 1111` are strings, never numbers that lose digits); only explicit nulls are null.
 */
function yamlOptions(maxAliasCount: number): YamlOptions {
  return {
    schema: 'failsafe',
    customTags: ['null', 'merge'],
    merge: true,
    uniqueKeys: false,
    prettyErrors: false,
    logLevel: 'silent',
    maxAliasCount,
  };
}

/** Clash / mihomo YAML: the `proxies` (old Clash: `Proxy`) lists of every document. */
export function readClashYaml(text: string, collector: Collector): void {
  const blocks = proxyBlocks(text);
  const opts = yamlOptions(collector.limits.maxAliasCount);
  let index = 0;
  const read = (items: readonly unknown[]): void => {
    for (const item of items) {
      if (collector.full()) return;
      readClashItem(item, ++index, collector);
    }
  };

  // Fast path: parse only the proxies blocks, not the (often much larger) rules around them.
  let fallback = blocks.length === 0;
  const parsed: unknown[][] = [];
  for (const block of blocks) {
    const quick = readFlowBlock(block);
    if (quick !== undefined) {
      parsed.push(quick);
      continue;
    }
    const src = block.lines.join('\n');
    if (maxBracketDepth(src) > collector.limits.maxDepth) {
      collector.note(
        DIAGNOSTIC_CODES.invalidYaml,
        'error',
        `nesting deeper than ${collector.limits.maxDepth}`,
        block.firstLine,
        'clash',
      );
      return;
    }
    const doc = parseDocument(src, opts);
    const value: unknown = doc.errors.length === 0 ? safeToJs(doc, opts) : undefined;
    if (!isObj(value)) {
      fallback = true;
      break;
    }
    const list = value['proxies'] ?? value['Proxy'];
    parsed.push(Array.isArray(list) ? list : []);
  }
  if (!fallback) {
    for (const list of parsed) read(list);
    return;
  }

  // The whole stream (anchors defined elsewhere, odd layouts, multi-document).
  let reason = `nesting deeper than ${collector.limits.maxDepth}`;
  if (maxBracketDepth(text) <= collector.limits.maxDepth) {
    const docs = parseAllDocuments(text, opts);
    const list = Array.isArray(docs) ? docs : [];
    const firstError = list.flatMap((d) => d.errors)[0];
    const values = firstError === undefined ? list.map((d) => safeToJs(d, opts)) : [];
    reason = firstError?.message.split('\n')[0] ?? 'too many aliases';
    if (firstError === undefined && values.every((v) => v !== INVALID)) {
      let found = false;
      for (const v of values) {
        if (!isObj(v)) continue;
        const proxies = v['proxies'] ?? v['Proxy'];
        if (Array.isArray(proxies)) {
          found = true;
          read(proxies);
        }
      }
      if (!found)
        collector.note(
          DIAGNOSTIC_CODES.unknownContainer,
          'error',
          'YAML has no proxies list',
          undefined,
          'clash',
        );
      return;
    }
  }

  // Invalid YAML (string templating): recover entry by entry so one bad proxy loses only itself.
  const items = blocks.flatMap((block) => blockItems(block).map((item) => ({ block, item })));
  if (items.length === 0) {
    collector.note(
      DIAGNOSTIC_CODES.invalidYaml,
      'error',
      `YAML does not parse (${reason}) and has no proxy items to recover`,
      undefined,
      'clash',
    );
    return;
  }
  for (const { block, item } of items) {
    if (collector.full()) return;
    index++;
    const src = block.lines.slice(item.start, item.end).join('\n');
    const doc = parseDocument(src, opts);
    const value = doc.errors.length === 0 ? safeToJs(doc, opts) : INVALID;
    if (Array.isArray(value) && value.length === 1) {
      readClashItem(value[0], index, collector);
    } else {
      const type = /\btype\s*:\s*"?([A-Za-z0-9-]+)/.exec(src)?.[1]?.toLowerCase() ?? 'unknown';
      const why = doc.errors[0]?.message.split('\n')[0] ?? 'not a single proxy';
      const at = block.firstLine + item.start;
      collector.note(
        DIAGNOSTIC_CODES.invalidYaml,
        'error',
        `proxy at body line ${at} is not valid YAML: ${why}`,
        index,
        `clash:${type}`,
      );
    }
  }
}

const INVALID = Symbol('invalid');

function safeToJs(doc: { toJS(opts: ToJSOptions): unknown }, opts: ToJSOptions): unknown {
  try {
    return doc.toJS(opts);
  } catch {
    // Alias-count guard or a broken node: treat like a syntax error.
    return INVALID;
  }
}

export function readClashItem(item: unknown, index: number, collector: Collector): void {
  if (!isObj(item)) {
    collector.note(
      DIAGNOSTIC_CODES.invalidValue,
      'error',
      'proxy entry is not a mapping',
      index,
      'clash:unknown',
    );
    return;
  }
  const type = (str(item['type']) ?? 'unknown').toLowerCase();
  collector.entry(readClashEntry(item), index, `clash:${type}`);
}

const BARE_PROXIES_KEY = /^(proxies|Proxy)[ \t]*:[ \t]*(#.*)?$/;

/**
 * The common generated layout, one flow mapping per item line, read without the YAML
 * library (see flow-yaml.ts); undefined when the block has any other shape.
 */
function readFlowBlock(block: Block): unknown[] | undefined {
  if (!BARE_PROXIES_KEY.test(block.lines[0] as string)) return undefined;
  const out: unknown[] = [];
  for (const item of blockItems(block)) {
    for (let i = item.start + 1; i < item.end; i++) {
      const rest = (block.lines[i] as string).trimStart();
      if (rest !== '' && !rest.startsWith('#')) return undefined;
    }
    const value = parseFlowItem(block.lines[item.start] as string);
    if (value === undefined) return undefined;
    out.push(value);
  }
  return out;
}

/** A top-level `proxies:` key with its body; `lines[0]` is the key line. */
interface Block {
  /** 1-based body line of the key. */
  readonly firstLine: number;
  readonly lines: readonly string[];
}

/** A line range `[start, end)` inside a block. */
interface Range {
  readonly start: number;
  readonly end: number;
}

const HEADER = /^(?:proxies|Proxy)[ \t]*:/gm;

/**
 * Every top-level `proxies:` key and its indented / `-` body, found without splitting the
 * whole body: generated configs carry ten thousand rule lines around a short proxy list.
 */
function proxyBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const header = new RegExp(HEADER.source, HEADER.flags);
  let line = 1;
  let counted = 0;
  let resume = 0;
  for (let m = header.exec(text); m !== null; m = header.exec(text)) {
    if (m.index < resume) continue;
    line += lineBreaks(text, counted, m.index);
    counted = m.index;
    const lines: string[] = [];
    let consumed = 0;
    forEachLine(text.slice(m.index), (l, n) => {
      if (n > 1) {
        const c = l.charCodeAt(0);
        if (l.startsWith('---') || l.startsWith('...')) return false;
        // Continuation: indented, a block item at column 0, a comment, or blank.
        if (!(l.length === 0 || c === 32 || c === 9 || c === 45 /* - */ || c === 35 /* # */)) return false;
      }
      lines.push(l);
      consumed += l.length + 1;
      return true;
    });
    blocks.push({ firstLine: line, lines });
    resume = m.index + consumed;
  }
  return blocks;
}

function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/** The `- ` items of a block sequence, each with its continuation lines. */
function blockItems(block: Block): Range[] {
  const items: Range[] = [];
  let indent = -1;
  let start = -1;
  for (let i = 1; i < block.lines.length; i++) {
    const l = block.lines[i] as string;
    const trimmed = l.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const at = l.length - trimmed.length;
    if (trimmed.startsWith('-') && (indent < 0 || at === indent)) {
      if (indent < 0) indent = at;
      if (start >= 0) items.push({ start, end: i });
      start = i;
    }
  }
  if (start >= 0) items.push({ start, end: block.lines.length });
  return items;
}
