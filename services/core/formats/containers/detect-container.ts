import { isBase64Body } from './base64-body.ts';
import { sectionName } from './ini-container.ts';
import { forEachLine, schemeLength, trimLine } from './lines.ts';

/** What a body looks like before it is read; JSON is classified further once parsed. */
export const BODY_KINDS = {
  empty: 'empty',
  html: 'html',
  json: 'json',
  yaml: 'yaml',
  quantumultX: 'quantumult-x',
  surge: 'surge',
  uriList: 'uri-list',
  base64: 'base64',
  unknown: 'unknown',
} as const;
export type BodyKind = (typeof BODY_KINDS)[keyof typeof BODY_KINDS];

const PROXIES_KEY = /^(proxies|Proxy)[ \t]*:/;
const HTML_HINT = /<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]|<title[\s>]/i;
const PROXY_LINE = /^[^=,]{1,200}=\s*[A-Za-z0-9-]{2,16}\s*,/;

/**
 * Sniff a body (BOM already stripped), cheapest evidence first (formats.md §6): empty, an
 * HTML page, JSON by its first character, Clash YAML by a top-level `proxies:` / `Proxy:`
 * key, Quantumult X `[server_local]` / Surge-Loon `[Proxy]` sections, a line starting with
 * `scheme://`, then whole-body base64. Lines of QX / Surge proxies or only comments still
 * make a plain list; anything else is unknown.
 */
export function detectBody(text: string): BodyKind {
  const t = trimLine(text.length > 4096 ? text.slice(0, 4096) : text);
  if (t.length === 0 && trimLine(text).length === 0) return BODY_KINDS.empty;
  const first = t.charCodeAt(0);
  if (first === 60 /* < */) return BODY_KINDS.html;
  if (first === 123 /* { */) return BODY_KINDS.json;
  // A body that opens with `[section]` is a client config: only its proxy section counts
  // (QX `[filter_remote]` lists https:// URLs that are not links).
  const firstLine = sectionName(trimLine(t.split(/\r?\n|\r/, 1)[0] ?? ''));
  let kind: BodyKind | undefined;
  let sawText = false;
  forEachLine(text, (raw) => {
    if (firstLine === undefined && PROXIES_KEY.test(raw)) {
      kind = BODY_KINDS.yaml;
      return false;
    }
    const line = trimLine(raw);
    if (line.length === 0) return;
    const section = line.charCodeAt(0) === 91 ? sectionName(line) : undefined;
    if (section === 'server_local') {
      kind = BODY_KINDS.quantumultX;
      return false;
    }
    if (section === 'proxy') {
      kind = BODY_KINDS.surge;
      return false;
    }
    if (firstLine !== undefined) return;
    if (schemeLength(line) > 0) {
      kind = BODY_KINDS.uriList;
      return false;
    }
    const c = line.charCodeAt(0);
    if (c === 35 || (c === 47 && line.charCodeAt(1) === 47) || PROXY_LINE.test(line)) sawText = true;
  });
  if (kind !== undefined) return kind;
  if (firstLine !== undefined) return BODY_KINDS.unknown;
  if (first === 91 /* [ */) return BODY_KINDS.json;
  if (isBase64Body(text)) return BODY_KINDS.base64;
  if (sawText) return BODY_KINDS.uriList;
  if (HTML_HINT.test(t)) return BODY_KINDS.html;
  return BODY_KINDS.unknown;
}
