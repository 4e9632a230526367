import { describe, expect, it } from 'vitest';
import {
  quoteIdentifier,
  quoteString,
  sessionPrelude,
} from '../../../../services/shared/clickhouse/session-prelude.ts';

describe('sessionPrelude', () => {
  it('sets query parameters from their exact HTTP text, then the database, then settings', () => {
    expect(
      sessionPrelude({
        database: 'analytics',
        queryParams: { id: "it\\'s", ids: "['a','b']" },
        settings: { max_threads: '1' },
      }),
    ).toEqual({
      ok: true,
      statements: [
        "SET param_id = 'it\\\\\\'s'",
        "SET param_ids = '[\\'a\\',\\'b\\']'",
        'USE `analytics`',
        "SET max_threads = '1'",
      ],
    });
  });

  it('puts readonly last, since a read-only session refuses later SETs', () => {
    const result = sessionPrelude({ settings: { readonly: '2', max_threads: '1' } });
    expect(result).toEqual({ ok: true, statements: ["SET max_threads = '1'", "SET readonly = '2'"] });
  });

  it('yields no statements when the request carries nothing', () => {
    expect(sessionPrelude({})).toEqual({ ok: true, statements: [] });
  });

  it('rejects names that are not plain identifiers instead of splicing them into SQL', () => {
    expect(sessionPrelude({ queryParams: { 'a; DROP TABLE t': 'x' } })).toMatchObject({ ok: false });
    expect(sessionPrelude({ settings: { 'max_threads = 1; --': '2' } })).toMatchObject({ ok: false });
  });
});

describe('quoting', () => {
  it('escapes backslashes, quotes and NUL in string literals', () => {
    expect(quoteString("a'b\\c\0d")).toBe("'a\\'b\\\\c\\0d'");
  });

  it('escapes backquotes and backslashes in identifiers', () => {
    expect(quoteIdentifier('we`ird\\name')).toBe('`we\\`ird\\\\name`');
  });
});
