/**
 * A minimal YAML writer for the values emitters build (maps, lists, strings, numbers,
 * booleans), in flow style. Quoting decision: EVERY string value is double-quoted. YAML
 * loaders turn unquoted `00000000`, `08`, `1e3`, `null`, `true`, `no`, `~` into numbers,
 * booleans or nulls (REALITY short-ids, numeric-looking passwords, mihomo #1156), and
 * re-dumping corrupts them; a double-quoted scalar is a string under YAML 1.1 and 1.2 alike.
 * Keys are plain only when they are fixed identifiers that no schema resolves to anything
 * but a string.
 *
 * Written by hand rather than with the `yaml` package's stringify, which manages about
 * 12,000 proxies/s here against a 200,000/s target; the tests parse every emitted document
 * back with the `yaml` package under both schemas to prove the quoting.
 */
export type YamlValue =
  string | number | boolean | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

// Characters a double-quoted scalar must escape: the quote and backslash, C0/C1 controls and
// DEL (not "printable" in YAML), line and paragraph separators (line breaks in YAML 1.1),
// BOM and the non-characters (rejected by strict loaders).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/;

export function yamlString(value: string): string {
  if (!NEEDS_ESCAPE.test(value) && value.isWellFormed()) return `"${value}"`;
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c === 0x2028 || c === 0x2029 || c === 0xfeff || c === 0xfffe || c === 0xffff)
      out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value[i] ?? '';
        out += value[i + 1] ?? '';
        i++;
      } else out += `\\u${c.toString(16)}`;
    } else if (c >= 0xdc00 && c <= 0xdfff) out += `\\u${c.toString(16)}`;
    else out += value[i] ?? '';
  }
  return `${out}"`;
}

const PLAIN_KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;
// Words some YAML schema resolves to a boolean or null even as keys.
const RESERVED_WORDS = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);

export function yamlKey(key: string): string {
  return PLAIN_KEY.test(key) && !RESERVED_WORDS.has(key.toLowerCase()) ? key : yamlString(key);
}

/** One value in flow style; `undefined` map entries are skipped. */
export function yamlFlow(value: YamlValue): string {
  if (typeof value === 'string') return yamlString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : yamlString(String(value));
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isList(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ', ';
      out += yamlFlow(value[i] as YamlValue);
    }
    return `${out}]`;
  }
  return `{${yamlFlowEntries(value)}}`;
}

/** The `key: value` entries of a map in flow style, without the braces. */
export function yamlFlowEntries(value: { readonly [key: string]: YamlValue | undefined }): string {
  let out = '';
  let first = true;
  for (const key in value) {
    const v = value[key];
    if (v === undefined) continue;
    out += first ? '' : ', ';
    first = false;
    out += `${yamlKey(key)}: ${yamlFlow(v)}`;
  }
  return out;
}

function isList(value: YamlValue): value is readonly YamlValue[] {
  return Array.isArray(value);
}
