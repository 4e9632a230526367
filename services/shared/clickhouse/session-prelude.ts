/**
 * What a ClickHouse server takes from the HTTP request rather than from the SQL — the current
 * database, query parameters, per-query settings — expressed as statements run on a fresh chDB
 * session just before the query. A fresh session per query is what keeps them per-query, as on
 * a server: SET on a chDB session persists for that session's later queries.
 *
 * Query parameters go through `SET param_<name> = '<text>'`, which hands the engine the exact
 * text the HTTP interface would receive in `param_<name>` (escaped text of the declared type,
 * as @clickhouse/client formats it). chDB's own binder would re-escape that text and drop the
 * milliseconds of a Date, so it is not used.
 */
export interface SessionPreludeInput {
  readonly database?: string | undefined;
  /** Already in ClickHouse's HTTP text form (what `param_<name>` carries). */
  readonly queryParams?: Readonly<Record<string, string>> | undefined;
  /** Setting name -> value as text (what a URL parameter carries). */
  readonly settings?: Readonly<Record<string, string>> | undefined;
}

export type SessionPreludeResult =
  | { readonly ok: true; readonly statements: readonly string[] }
  | { readonly ok: false; readonly problem: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isPlainIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** A ClickHouse string literal whose value is exactly `value`. */
export function quoteString(value: string): string {
  return `'${value.replace(/[\\'\0]/g, (c) => (c === '\0' ? '\\0' : `\\${c}`))}'`;
}

/** A back-quoted ClickHouse identifier naming exactly `name`. */
export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}

export function sessionPrelude(input: SessionPreludeInput): SessionPreludeResult {
  const statements: string[] = [];
  for (const [name, value] of Object.entries(input.queryParams ?? {})) {
    if (!isPlainIdentifier(name))
      return { ok: false, problem: `invalid query parameter name ${JSON.stringify(name)}` };
    statements.push(`SET param_${name} = ${quoteString(value)}`);
  }
  if (input.database !== undefined && input.database !== '')
    statements.push(`USE ${quoteIdentifier(input.database)}`);
  // `readonly` goes last: once it is 1, the session refuses every further SET.
  const settings = Object.entries(input.settings ?? {}).sort(
    ([a], [b]) => Number(a === 'readonly') - Number(b === 'readonly'),
  );
  for (const [name, value] of settings) {
    if (!isPlainIdentifier(name))
      return { ok: false, problem: `invalid setting name ${JSON.stringify(name)}` };
    statements.push(`SET ${name} = ${quoteString(value)}`);
  }
  return { ok: true, statements };
}
