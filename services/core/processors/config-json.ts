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
      return quoted(value);
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
        out += `${first ? '' : ','}${quoted(key)}:${write(v)}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return 'null';
  }
}

/**
 * JSON.stringify of a string, without the native call for the common case: keys and most values
 * are short printable ASCII, which JSON leaves as is (it escapes only `"`, `\\`, control
 * characters and lone surrogates). Saves about a third of configJson's time.
 */
function quoted(text: string): string {
  if (text.length > 64) return JSON.stringify(text);
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * The config JSON with its top-level `name` member's string value replaced by `name`; the text
 * unchanged when it has no such member. A string edit, no parse: the merger rebuilds a source's
 * variant from the merged config this way for every observation of a config that several sources
 * carry under their own names.
 */
export function withTopLevelName(json: string, name: string): string {
  const at = topLevelNameValue(json);
  return at === undefined ? json : `${json.slice(0, at[0])}${JSON.stringify(name)}${json.slice(at[1])}`;
}

/**
 * Whether `json` is exactly withTopLevelName(base, name), compared in place: the merger asks this
 * for every sighting it stores, and building the renamed text would copy the whole config.
 */
export function isWithTopLevelName(json: string, base: string, name: string): boolean {
  const at = topLevelNameValue(base);
  if (at === undefined) return json === base;
  const quoted = JSON.stringify(name);
  // The usual question: is the merged config itself its own source's variant? Only the name can differ.
  if (json === base) return at[1] - at[0] === quoted.length && base.startsWith(quoted, at[0]);
  return (
    json.length === base.length - (at[1] - at[0]) + quoted.length &&
    json.startsWith(quoted, at[0]) &&
    json.startsWith(base.slice(0, at[0])) &&
    json.endsWith(base.slice(at[1]))
  );
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;

/** [start, end) of the quoted string value of the object's top-level "name" member. */
function topLevelNameValue(json: string): [number, number] | undefined {
  if (json.charCodeAt(0) !== OPEN_OBJECT) return undefined;
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < json.length; i += 1) {
    const c = json.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(json, i);
      if (end < 0) return undefined;
      if (depth === 1 && expectKey) {
        expectKey = false;
        if (end - i === 5 && json.startsWith('"name"', i)) {
          let j = skipSpace(json, end + 1);
          if (json.charCodeAt(j) !== COLON) return undefined;
          j = skipSpace(json, j + 1);
          if (json.charCodeAt(j) !== QUOTE) return undefined;
          const valueEnd = stringEnd(json, j);
          return valueEnd < 0 ? undefined : [j, valueEnd + 1];
        }
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth += 1;
      expectKey = c === OPEN_OBJECT && depth === 1;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth -= 1;
    } else if (c === COMMA && depth === 1) {
      expectKey = true;
    }
  }
  return undefined;
}

/** Index of the quote closing the string that opens at `start`; -1 when it never closes. */
function stringEnd(json: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = json.indexOf('"', from);
    if (quote < 0) return -1;
    let slashes = 0;
    while (json.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes += 1;
    if (slashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

function skipSpace(json: string, from: number): number {
  let i = from;
  while (i < json.length && /\s/.test(json.charAt(i))) i += 1;
  return i;
}
