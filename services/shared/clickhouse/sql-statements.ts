/**
 * Splits a SQL script into statements at top-level semicolons. ClickHouse's HTTP interface
 * runs one statement per request (a real server refuses more), so a migration file with a
 * table and its views is sent statement by statement. Semicolons inside quoted strings,
 * back-quoted or double-quoted identifiers and comments do not split; comments are kept with
 * the statement they precede, and statements that are only comments or blank are dropped.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  while (i < n) {
    const c = script[i];
    const next = script[i + 1];
    if (c === '-' && next === '-') {
      i = lineEnd(script, i);
    } else if (c === '/' && next === '*') {
      const close = script.indexOf('*/', i + 2);
      i = close === -1 ? n : close + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      i = quotedEnd(script, i, c);
    } else if (c === ';') {
      push(statements, script.slice(start, i));
      i += 1;
      start = i;
    } else {
      i += 1;
    }
  }
  push(statements, script.slice(start));
  return statements;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end + 1;
}

/** Index after the closing quote; backslash escapes and doubled quotes stay inside. */
function quotedEnd(text: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === quote && text[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i += 1;
  }
  return text.length;
}

function push(statements: string[], raw: string): void {
  const statement = raw.trim();
  if (stripComments(statement).trim() !== '') statements.push(statement);
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
}
