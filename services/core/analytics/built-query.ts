/**
 * A query as the pure builders hand it to the runner: fixed SQL text and typed parameters
 * (`{name:Type}` placeholders bound by ClickHouse from `query_params`). No value ever reaches
 * the SQL text; only choices from closed sets (a resolution's bucket expression, a dataset's
 * table) select between fixed fragments.
 */
export interface BuiltQuery {
  readonly sql: string;
  readonly params: Readonly<Record<string, string | number | Date>>;
}
