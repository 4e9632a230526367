import { describe, expect, it } from 'vitest';
import {
  fileInsertSql,
  toFileInsert,
  withoutFileMention,
} from '../../../services/clickhouse-local/file-insert.ts';

describe('toFileInsert', () => {
  it('takes the inserts @clickhouse/client sends: table, optional database and column list, a text format', () => {
    expect(toFileInsert('INSERT INTO t FORMAT JSONEachRow')).toEqual({
      target: 'INSERT INTO t',
      format: 'JSONEachRow',
    });
    expect(
      toFileInsert('INSERT INTO db.config_observations (event_id, fetched_at) FORMAT TabSeparated'),
    ).toEqual({
      target: 'INSERT INTO db.config_observations (event_id, fetched_at)',
      format: 'TabSeparated',
    });
    expect(toFileInsert('  insert into `my db`."t-1"(`a b`,c)   FORMAT CSVWithNames \n')).toEqual({
      target: 'insert into `my db`."t-1"(`a b`,c)',
      format: 'CSVWithNames',
    });
  });

  it('leaves every other statement on the inline path', () => {
    for (const sql of [
      '',
      'SELECT 1',
      'INSERT INTO t VALUES (1)',
      'INSERT INTO t FORMAT Values',
      'INSERT INTO t FORMAT RowBinary',
      'INSERT INTO t FORMAT jsoneachrow',
      'INSERT INTO t SETTINGS async_insert=1 FORMAT JSONEachRow',
      'INSERT INTO t (* EXCEPT (a)) FORMAT JSONEachRow',
      "INSERT INTO FUNCTION file('x') FORMAT JSONEachRow",
      'INSERT INTO t SELECT * FROM u FORMAT JSONEachRow',
      'INSERT INTO t FORMAT JSONEachRow; DROP TABLE t',
      'INSERT INTO t FORMAT JSONEachRow\n{"a":1}',
      'INSERT INTO `t\\`x` FORMAT JSONEachRow',
    ]) {
      expect(toFileInsert(sql), sql).toBeNull();
    }
  });
});

describe('fileInsertSql', () => {
  it('selects everything from the file in the statement format, the path quoted as a literal', () => {
    const insert = { target: 'INSERT INTO t (a)', format: 'JSONEachRow' } as const;
    expect(fileInsertSql(insert, "/tmp/it's\\here/1.data")).toBe(
      "INSERT INTO t (a) SELECT * FROM file('/tmp/it\\'s\\\\here/1.data', 'JSONEachRow')",
    );
  });
});

describe('withoutFileMention', () => {
  it('removes the data file from engine messages, as a server names none', () => {
    const path = '/tmp/clickhouse-local-inserts-x/7.data';
    expect(
      withoutFileMention(
        `Code: 27. DB::Exception: Cannot parse input: expected '{' before: 'x': (at row 2)\n: (in file/uri ${path}): While executing ParallelParsingBlockInputFormat. (CANNOT_PARSE_INPUT_ASSERTION_FAILED)`,
        path,
      ),
    ).toBe(
      "Code: 27. DB::Exception: Cannot parse input: expected '{' before: 'x': (at row 2)\n: While executing ParallelParsingBlockInputFormat. (CANNOT_PARSE_INPUT_ASSERTION_FAILED)",
    );
    expect(withoutFileMention(`Cannot open ${path}`, path)).toBe('Cannot open <data>');
  });
});
