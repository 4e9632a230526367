import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import { splitGluedLinks } from '../links/split-glued-links.ts';
import type { Collector } from './collector.ts';
import { schemeOf } from './collector.ts';
import { forEachLine, schemeLength, trimLine } from './lines.ts';
import { readMetadataComment } from './metadata-line.ts';
import { QX_KEYWORDS, parseQuantumultXLine, readQuantumultXLine } from './quantumult-x-line.ts';
import { SURGE_TYPES, parseSurgeLine, readSurgeLine } from './surge-line.ts';

/**
 * A plain list (formats.md §3.1): one link per line; blank lines skipped; `#` / `//` lines
 * are comments or hiddify metadata; QX / Surge / Loon proxy lines are read too (people
 * paste them into lists); anything else is a garbage line, counted, never fatal.
 */
export function readLineList(text: string, collector: Collector): void {
  forEachLine(text, (raw, n) => {
    if (collector.full()) return false;
    const line = trimLine(raw);
    if (line.length === 0) return;
    if (line.length > collector.limits.maxLineLength) {
      collector.note(
        DIAGNOSTIC_CODES.lineTooLong,
        'error',
        `line of ${line.length} characters is longer than ${collector.limits.maxLineLength}`,
        n,
      );
      return;
    }
    readLine(line, n, collector);
  });
}

export function readLine(line: string, n: number, collector: Collector): void {
  const c = line.charCodeAt(0);
  if (c === 35 /* # */ || (c === 47 /* / */ && line.charCodeAt(1) === 47)) {
    const body = line.slice(c === 35 ? 1 : 2);
    if (readMetadataComment(body, collector.metadata))
      collector.note(DIAGNOSTIC_CODES.metadataLine, 'info', 'subscription metadata', n);
    else collector.note(DIAGNOSTIC_CODES.commentLine, 'info', 'comment', n);
    return;
  }
  if (schemeLength(line) > 0) {
    // Detour chains (`A -> B`) stay one entry; parseLink reports them.
    const links = splitGluedLinks(line);
    if (links.length > 1) {
      collector.note(
        DIAGNOSTIC_CODES.gluedLinks,
        'warning',
        `${links.length} links glued on one line`,
        n,
        schemeOf(line),
      );
    }
    for (const link of links) collector.link(link, n);
    return;
  }
  if (readProxyLine(line, n, collector)) return;
  collector.note(DIAGNOSTIC_CODES.garbageLine, 'error', `not a link: ${line.slice(0, 60)}`, n);
}

/** A Quantumult X or Surge / Loon proxy line outside its section; false when it is neither. */
function readProxyLine(line: string, n: number, collector: Collector): boolean {
  if (line.indexOf('=') < 0 || line.indexOf(',') < 0) return false;
  const qx = parseQuantumultXLine(line);
  if (qx !== undefined && QX_KEYWORDS.has(qx.keyword) && /:\d{1,5}$/.test(qx.head)) {
    collector.entry(readQuantumultXLine(qx), n, `quantumult-x:${qx.keyword}`);
    return true;
  }
  const surge = parseSurgeLine(line);
  if (surge !== undefined && SURGE_TYPES.has(surge.keyword)) {
    collector.entry(readSurgeLine(surge), n, `surge:${surge.keyword}`);
    return true;
  }
  return false;
}
