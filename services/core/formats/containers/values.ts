/**
 * Lenient readers for values out of parsed JSON / YAML. Structured containers are written
 * by string templating: a port arrives as 443 or "443", a flag as true, "true" or 1, a
 * list as ["h2"] or "h2,http/1.1". These readers accept every such spelling and never throw.
 */

export type Obj = Readonly<Record<string, unknown>>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function obj(value: unknown): Obj | undefined {
  return isObj(value) ? value : undefined;
}

export function arr(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** A scalar as text; numbers and booleans keep their written form. Empty strings count as absent. */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The first key present (with a non-empty scalar) among aliases, e.g. `auth-str` / `auth_str`. */
export function strOf(o: Obj, ...keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const v = str(o[key]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A non-negative integer written as a number or decimal text (`"443"`, `443`, `" 443 "`). */
export function int(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  if (t.length === 0 || t.length > 15) return undefined;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(t);
}

/** A positive integer, or undefined for 0 / absent (early-data 0 means none). */
export function positive(n: number | undefined): number | undefined {
  return n !== undefined && n > 0 ? n : undefined;
}

/**
 * Booleans as real clients read them: `true/false`, `1/0`, `yes/no` in any case.
 * Anything else is "not said" (undefined), never truthy-string logic (`"0"` is false).
 */
export function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value !== 'string') return undefined;
  switch (value.trim().toLowerCase()) {
    case 'true':
    case '1':
    case 'yes':
    case 'on':
      return true;
    case 'false':
    case '0':
    case 'no':
    case 'off':
    case '':
      return false;
    default:
      return undefined;
  }
}

/** A list of strings from a list, a single scalar, or a comma-separated scalar. Empty items dropped. */
export function strList(value: unknown): string[] | undefined {
  const out: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = str(item);
      if (s !== undefined && s.trim() !== '') out.push(s.trim());
    }
  } else {
    const s = str(value);
    if (s === undefined) return undefined;
    for (const part of s.split(',')) {
      const p = part.trim();
      if (p !== '') out.push(p);
    }
  }
  return out.length > 0 ? out : undefined;
}

/** Bandwidth as Mbps: `100`, `"100"`, `"100 Mbps"`, `"1 Gbps"`, `"500mbps"`. */
export function mbps(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const s = str(value);
  if (s === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:bps|b)?\s*$/i.exec(s);
  if (m === null) return undefined;
  const n = Number(m[1]);
  switch ((m[2] ?? '').toLowerCase()) {
    case 'k':
      return n / 1000;
    case 'g':
      return n * 1000;
    case 't':
      return n * 1_000_000;
    default:
      return n;
  }
}

/** Seconds from `30`, `"30"`, `"30s"`, `"1m"`. */
export function seconds(value: unknown): number | undefined {
  const direct = int(value);
  if (direct !== undefined) return direct;
  const s = str(value);
  if (s === undefined) return undefined;
  const m = /^\s*(\d{1,9})\s*(s|m|h)\s*$/i.exec(s);
  if (m === null) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  return unit === 'h' ? n * 3600 : unit === 'm' ? n * 60 : n;
}

type OptionalKeys<T> = { [K in keyof T]: undefined extends T[K] ? K : never }[keyof T];
type RequiredKeys<T> = Exclude<keyof T, OptionalKeys<T>>;
/** `T` with every property whose type admits `undefined` turned into an optional property. */
export type Compact<T> = { [K in RequiredKeys<T>]: T[K] } & {
  [K in OptionalKeys<T>]?: Exclude<T[K], undefined>;
};

/**
 * Drop `undefined` properties so an object literal with maybe-absent fields satisfies the
 * model under `exactOptionalPropertyTypes` (absent, never present-but-undefined).
 */
export function compact<T extends object>(o: T): Compact<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Compact<T>;
}
