import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { CATALOG_ISSUE_CODES } from './catalog-issue.ts';
import type { CatalogIssue, CatalogIssueCode } from './catalog-issue.ts';
import { CatalogError } from './catalog-issue.ts';
import { ENTRY_FIELDS, ROOT_FIELDS, entrySchema, rootSchema, urlSchema } from './catalog-schema.ts';
import type { IssueParams } from './catalog-schema.ts';
import { SOURCE_FORMAT_LIST } from './source-format.ts';
import type { SourceFormat } from './source-format.ts';
import { TIER_DEFAULT_INTERVAL_SECONDS, TIER_LIST } from './tiers.ts';
import type { Tier } from './tiers.ts';

export interface SourceEntry {
  readonly id: string;
  /** Normalised http(s) URLs: the primary first, then mirrors in failover order. */
  readonly urls: readonly string[];
  readonly tier: Tier;
  readonly format: SourceFormat;
  readonly intervalSeconds: number;
  /** Sorted, without repeats. */
  readonly tags: readonly string[];
  readonly enabled: boolean;
}

export interface SourcesCatalog {
  /** Lets sources resolve to loopback/private/link-local addresses (local catalogs only). */
  readonly allowPrivateAddresses: boolean;
  readonly sources: readonly SourceEntry[];
}

export type CatalogResult =
  | { readonly ok: true; readonly catalog: SourcesCatalog }
  | { readonly ok: false; readonly issues: readonly CatalogIssue[] };

/**
 * Parses and validates a sources catalog (YAML). Reports every problem at once, each naming
 * the entry (index and id) and the field, so one run of the tool is enough to fix a file.
 */
export function parseCatalog(text: string): CatalogResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({
        code: CATALOG_ISSUE_CODES.invalidYaml,
        path: '',
        message: `not valid YAML: ${error.message.split('\n')[0] ?? error.code}`,
      })),
    };
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return {
      ok: false,
      issues: [
        {
          code: CATALOG_ISSUE_CODES.notACatalog,
          path: '',
          message: 'a sources catalog is a mapping with a top-level `sources:` list',
        },
      ],
    };
  }

  const issues: CatalogIssue[] = [];
  const root = rootSchema.safeParse(raw, { reportInput: true });
  if (!root.success) issues.push(...root.error.issues.map((issue) => toIssue(issue, raw, [])));
  // Entries are checked even when the top level has problems, as long as there is a list.
  const rawSources = (raw as Record<string, unknown>)['sources'];
  const rawEntries: readonly unknown[] = Array.isArray(rawSources) ? rawSources : [];

  const entries: (SourceEntry | undefined)[] = rawEntries.map((rawEntry, index) => {
    const parsed = entrySchema.safeParse(rawEntry, { reportInput: true });
    if (!parsed.success) {
      issues.push(...parsed.error.issues.map((issue) => toIssue(issue, raw, ['sources', index])));
      return undefined;
    }
    const { interval, tags, ...rest } = parsed.data;
    return Object.freeze({
      ...rest,
      tier: rest.tier as Tier,
      format: rest.format as SourceFormat,
      urls: Object.freeze(rest.urls),
      intervalSeconds: interval ?? TIER_DEFAULT_INTERVAL_SECONDS[rest.tier as Tier],
      tags: Object.freeze([...new Set(tags)].sort()),
    });
  });
  issues.push(...crossEntryIssues(rawEntries.map(identityOf)));

  if (!root.success || issues.length > 0) return { ok: false, issues: issues.sort(byPosition) };
  return {
    ok: true,
    catalog: Object.freeze({
      allowPrivateAddresses: root.data.allowPrivateAddresses,
      sources: Object.freeze(entries.filter((e): e is SourceEntry => e !== undefined)),
    }),
  };
}

/** What identifies an entry, read leniently so duplicates show up even in otherwise broken entries. */
interface EntryIdentity {
  readonly id: string | undefined;
  /** Normalised URLs by position; undefined where the URL itself is invalid (reported elsewhere). */
  readonly urls: readonly (string | undefined)[];
}

function identityOf(rawEntry: unknown): EntryIdentity {
  if (typeof rawEntry !== 'object' || rawEntry === null) return { id: undefined, urls: [] };
  const { id, urls } = rawEntry as Record<string, unknown>;
  return {
    id: typeof id === 'string' ? id : undefined,
    urls: Array.isArray(urls) ? urls.map((u) => urlSchema.safeParse(u).data) : [],
  };
}

/** For shells that want an exception: throws CatalogError listing every problem. */
export function parseCatalogOrThrow(text: string): SourcesCatalog {
  const result = parseCatalog(text);
  if (!result.ok) throw new CatalogError(result.issues);
  return result.catalog;
}

/** Duplicate ids, and URLs shared between or within entries (they would be fetched twice). */
function crossEntryIssues(entries: readonly EntryIdentity[]): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const idOwner = new Map<string, number>();
  const urlOwner = new Map<string, { index: number; urlIndex: number }>();
  entries.forEach((entry, index) => {
    if (entry.id !== undefined) {
      const firstWithId = idOwner.get(entry.id);
      if (firstWithId === undefined) idOwner.set(entry.id, index);
      else {
        const text = `duplicate of sources[${firstWithId}]`;
        issues.push(located(CATALOG_ISSUE_CODES.duplicateId, index, entry.id, 'id', text));
      }
    }
    entry.urls.forEach((url, urlIndex) => {
      if (url === undefined) return;
      const owner = urlOwner.get(url);
      if (owner === undefined) {
        urlOwner.set(url, { index, urlIndex });
        return;
      }
      const other =
        owner.index === index
          ? `urls[${owner.urlIndex}]`
          : `${entryLabel(owner.index, entries[owner.index]?.id)} urls[${owner.urlIndex}]`;
      issues.push(
        located(
          CATALOG_ISSUE_CODES.duplicateUrl,
          index,
          entry.id,
          `urls[${urlIndex}]`,
          `same URL as ${other}`,
        ),
      );
    });
  });
  return issues;
}

function located(
  code: CatalogIssueCode,
  entryIndex: number,
  entryId: string | undefined,
  field: string,
  text: string,
): CatalogIssue {
  return {
    code,
    path: `sources[${entryIndex}].${field}`,
    entryIndex,
    ...(entryId === undefined ? {} : { entryId }),
    field,
    message: `${entryLabel(entryIndex, entryId)}: ${field}: ${text}`,
  };
}

function entryLabel(index: number, id: string | undefined): string {
  return id === undefined ? `sources[${index}]` : `sources[${index}] (id ${JSON.stringify(id)})`;
}

type Path = readonly PropertyKey[];

function toIssue(issue: z.core.$ZodIssue, raw: unknown, base: Path): CatalogIssue {
  const full = [...base, ...issue.path];
  const inEntry = full[0] === 'sources' && typeof full[1] === 'number';
  const entryIndex = inEntry ? (full[1] as number) : undefined;
  const fieldPath = inEntry ? full.slice(2) : full;
  const rawEntry = entryIndex === undefined ? undefined : valueAt(raw, ['sources', entryIndex]);
  const rawId = valueAt(rawEntry, ['id']);
  const entryId = typeof rawId === 'string' ? rawId : undefined;

  const { code, text, field } = describe(issue, fieldPath, inEntry);
  const fieldText = formatPath(field);
  const where =
    entryIndex === undefined
      ? fieldText
      : `${entryLabel(entryIndex, entryId)}${fieldText === '' ? '' : `: ${fieldText}`}`;
  return {
    code,
    path: formatPath(full.concat(field.slice(fieldPath.length))),
    ...(entryIndex === undefined ? {} : { entryIndex }),
    ...(entryId === undefined ? {} : { entryId }),
    ...(fieldText === '' ? {} : { field: fieldText }),
    message: where === '' ? text : `${where}: ${text}`,
  };
}

function describe(
  issue: z.core.$ZodIssue,
  fieldPath: Path,
  inEntry: boolean,
): { code: CatalogIssueCode; text: string; field: Path } {
  const last = fieldPath.at(-1);
  switch (issue.code) {
    case 'custom': {
      const params = issue.params as IssueParams | undefined;
      return { code: params?.code ?? CATALOG_ISSUE_CODES.invalidType, text: issue.message, field: fieldPath };
    }
    case 'unrecognized_keys': {
      const allowed = (inEntry ? ENTRY_FIELDS : ROOT_FIELDS).join(', ');
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(', ');
      const one = issue.keys.length === 1;
      return {
        code: CATALOG_ISSUE_CODES.unknownField,
        text: `unknown field${one ? '' : 's'} ${keys} (allowed: ${allowed})`,
        // Point at the offending key itself when there is just one.
        field: one ? [...fieldPath, issue.keys[0] ?? ''] : fieldPath,
      };
    }
    case 'invalid_type': {
      if (!('input' in issue) || issue.input === undefined) {
        return { code: CATALOG_ISSUE_CODES.missingField, text: 'is required', field: fieldPath };
      }
      if (inEntry && fieldPath.length === 0) {
        return {
          code: CATALOG_ISSUE_CODES.invalidType,
          text: `must be a mapping with ${ENTRY_FIELDS.join(', ')} (got ${describeValue(issue.input)})`,
          field: fieldPath,
        };
      }
      return {
        code: CATALOG_ISSUE_CODES.invalidType,
        text: `must be ${EXPECTED[issue.expected] ?? issue.expected} (got ${describeValue(issue.input)})`,
        field: fieldPath,
      };
    }
    case 'invalid_value': {
      const code =
        last === 'tier'
          ? CATALOG_ISSUE_CODES.invalidTier
          : last === 'format'
            ? CATALOG_ISSUE_CODES.invalidFormat
            : CATALOG_ISSUE_CODES.invalidType;
      const allowed =
        last === 'tier' ? TIER_LIST : last === 'format' ? SOURCE_FORMAT_LIST : issue.values.map(String);
      const got = 'input' in issue ? ` (got ${describeValue(issue.input)})` : '';
      return { code, text: `must be one of ${allowed.join(', ')}${got}`, field: fieldPath };
    }
    default:
      return { code: CATALOG_ISSUE_CODES.invalidType, text: issue.message, field: fieldPath };
  }
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  array: 'a list',
  boolean: 'true or false',
  object: 'a mapping',
  number: 'a number',
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function formatPath(path: Path): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out === '' ? String(key) : `${out}.${String(key)}`;
  }, '');
}

function byPosition(a: CatalogIssue, b: CatalogIssue): number {
  return (a.entryIndex ?? -1) - (b.entryIndex ?? -1);
}
