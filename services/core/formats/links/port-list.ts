import type { PortRange } from '../../model/config.ts';
import { parsePort } from './link-parts.ts';

/**
 * Hysteria port-hopping lists: `443`, `20000-55000`, `21000,21000-21199`; `:` ranges
 * (sing-box spelling) are accepted too. Undefined when any element is not a port/range.
 */
export function parsePortList(text: string): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const part of text.split(',')) {
    const t = part.trim();
    if (t === '') continue;
    const dash = t.indexOf('-') !== -1 ? t.indexOf('-') : t.indexOf(':');
    if (dash === -1) {
      const p = parsePort(t);
      if (Number.isNaN(p)) return undefined;
      out.push({ from: p, to: p });
    } else {
      const from = parsePort(t.slice(0, dash));
      const to = parsePort(t.slice(dash + 1));
      if (Number.isNaN(from) || Number.isNaN(to)) return undefined;
      out.push({ from, to });
    }
  }
  return out.length === 0 ? undefined : out;
}

/** Bandwidth hints like `100`, `100 Mbps`, `50mbps`: the number in Mbps. */
export function parseMbps(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(?:m|mbps|mb\/s)?\s*$/i.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
