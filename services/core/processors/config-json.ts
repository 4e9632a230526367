import type { ProxyConfig } from '../model/index.ts';

/**
 * The canonical JSON of a config as events carry it: object keys sorted at every level,
 * arrays in their own order, no whitespace. The same config always gives the same text, so
 * a replay reproduces events byte for byte and variants compare as strings.
 */
export function configJson(config: ProxyConfig): string {
  return JSON.stringify(sortKeys(config));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
