import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import type { Collector } from './collector.ts';
import { forEachLine, trimLine } from './lines.ts';
import { parseQuantumultXLine, readQuantumultXLine } from './quantumult-x-line.ts';
import { parseSurgeLine, readSurgeLine } from './surge-line.ts';

/** `[section]` name of a line, lower-cased, or undefined. */
export function sectionName(line: string): string | undefined {
  const m = /^\[([A-Za-z][A-Za-z0-9 _-]{0,39})\]$/.exec(line);
  return m === null ? undefined : (m[1] as string).trim().toLowerCase();
}

/**
 * Section-based client configs: Quantumult X reads `[server_local]`, Surge / Loon read
 * `[Proxy]`. Other sections (rules, policies, DNS) are configuration, not nodes, and are
 * passed over without diagnostics.
 */
export function readIniConfig(text: string, section: 'server_local' | 'proxy', collector: Collector): void {
  let inside = false;
  forEachLine(text, (raw, n) => {
    if (collector.full()) return false;
    const line = trimLine(raw);
    if (line.length === 0) return;
    const name = sectionName(line);
    if (name !== undefined) {
      inside = name === section;
      return;
    }
    if (!inside) return;
    if (line.startsWith('#') || line.startsWith(';') || line.startsWith('//')) {
      collector.note(DIAGNOSTIC_CODES.commentLine, 'info', 'comment', n);
      return;
    }
    if (line.length > collector.limits.maxLineLength) {
      collector.note(
        DIAGNOSTIC_CODES.lineTooLong,
        'error',
        `line of ${line.length} characters is longer than ${collector.limits.maxLineLength}`,
        n,
      );
      return;
    }
    if (section === 'server_local') {
      const entry = parseQuantumultXLine(line);
      if (entry === undefined)
        collector.note(DIAGNOSTIC_CODES.garbageLine, 'error', `not a proxy line: ${line.slice(0, 60)}`, n);
      else collector.entry(readQuantumultXLine(entry), n, `quantumult-x:${entry.keyword}`);
      return;
    }
    const entry = parseSurgeLine(line);
    if (entry === undefined)
      collector.note(DIAGNOSTIC_CODES.garbageLine, 'error', `not a proxy line: ${line.slice(0, 60)}`, n);
    else collector.entry(readSurgeLine(entry), n, `surge:${entry.keyword}`);
  });
}
