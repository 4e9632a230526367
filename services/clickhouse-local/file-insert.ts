/**
 * Inserts whose data the engine reads from a file instead of from the SQL text.
 *
 * libchdb takes a statement and its inline data as one string and runs it the way
 * `clickhouse local` runs a script: the client half reads the data out of the text before the
 * server half inserts it. Measured on chDB 26.7 with 50,000 sink rows (JSONEachRow, 330 bytes
 * each) into a Null table: 2.1-3.0 µs of CPU per row that way, 0.4-0.75 µs per row as
 * `INSERT ... SELECT * FROM file(path, format)`. The result is the same: `file()` takes the
 * structure of the insertion table (use_structure_from_insertion_table_in_table_functions),
 * DEFAULT expressions fill omitted fields, and bad rows fail with the same error codes
 * (checked for each format below, test/integration/infra/clickhouse.int.spec.ts).
 *
 * Only statements of the exact shape @clickhouse/client sends take this path:
 * `INSERT INTO [db.]table [(col, ...)] FORMAT <one of FILE_INSERT_FORMATS>`, plain or quoted
 * identifiers. Anything else (SETTINGS or SELECT in the statement, `* EXCEPT`, Values, ...)
 * keeps the inline path.
 */

/** Text formats whose file() reading was checked against inline data, row for row. */
export const FILE_INSERT_FORMATS = [
  'JSONEachRow',
  'JSONCompactEachRow',
  'JSONStringsEachRow',
  'JSONCompactStringsEachRow',
  'TabSeparated',
  'TabSeparatedWithNames',
  'TSV',
  'TSVWithNames',
  'CSV',
  'CSVWithNames',
] as const;
export type FileInsertFormat = (typeof FILE_INSERT_FORMATS)[number];

export interface FileInsert {
  /** `INSERT INTO table (cols)`: what goes before `SELECT * FROM file(...)`. */
  readonly target: string;
  readonly format: FileInsertFormat;
}

const IDENT = String.raw`(?:[A-Za-z_][A-Za-z0-9_]*|\x60[^\x60\\\n]+\x60|"[^"\\\n]+")`;
const TABLE = String.raw`${IDENT}(?:\.${IDENT})?`;
const COLUMNS = String.raw`\(\s*${IDENT}(?:\s*,\s*${IDENT})*\s*\)`;
const STATEMENT = new RegExp(
  String.raw`^\s*(INSERT\s+INTO\s+${TABLE}(?:\s*${COLUMNS})?)\s+FORMAT\s+([A-Za-z]+)\s*$`,
  'i',
);
const FORMATS: ReadonlySet<string> = new Set(FILE_INSERT_FORMATS);

/** The statement as a file insert, or null when it must keep the inline path. */
export function toFileInsert(statement: string): FileInsert | null {
  const match = STATEMENT.exec(statement);
  const target = match?.[1];
  const format = match?.[2];
  if (target === undefined || format === undefined || !FORMATS.has(format)) return null;
  return { target, format: format as FileInsertFormat };
}

/** The SQL that inserts the data at `path` (a path the shim made: quoted anyway). */
export function fileInsertSql({ target, format }: FileInsert, path: string): string {
  return `${target} SELECT * FROM file(${quote(path)}, '${format}')`;
}

/**
 * Error messages name the file the data was read from; a server names no file, and the path
 * is the shim's business.
 */
export function withoutFileMention(message: string, path: string): string {
  return message.split(`: (in file/uri ${path})`).join('').split(path).join('<data>');
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
