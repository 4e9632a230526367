import type { ProxyConfig } from '../model/index.ts';

/**
 * The canonical JSON of a config as events carry it: object keys sorted at every level,
 * arrays in their own order, no whitespace, undefined fields left out (as JSON.stringify does).
 * The same config always gives the same text, so a replay reproduces events byte for byte and
 * variants compare as strings. Written directly rather than through a sorted copy: the parser
 * runs it for every config of every changed body.
 */
export function configJson(config: ProxyConfig): string {
  return write(config);
}

function write(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i += 1) {
          const item: unknown = value[i];
          out += `${i === 0 ? '' : ','}${item === undefined || typeof item === 'function' ? 'null' : write(item)}`;
        }
        return `${out}]`;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const v = record[key];
        if (v === undefined || typeof v === 'function') continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:${write(v)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return 'null';
  }
}
