import { describe, expect, it } from 'vitest';
import type { Row } from '../../../services/sink/event-rows.ts';
import { SINK_ERROR } from '../../../services/sink/sink-error.ts';
import { insertTableRows, isRowError } from '../../../services/sink/table-insert.ts';

const positions = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    topic: 't',
    partition: 0,
    offset: String(i),
    timestamp: 0,
    key: null,
  }));
const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ i }));
const clickhouseError = (type: string) => Object.assign(new Error(`${type}: refused`), { type, code: '27' });

describe('insertTableRows', () => {
  it('stores everything in one insert when ClickHouse accepts it', async () => {
    const calls: number[] = [];
    const refused = await insertTableRows(
      (_t, r) => {
        calls.push(r.length);
        return Promise.resolve();
      },
      't',
      rows(8),
      positions(8),
    );
    expect(refused).toEqual([]);
    expect(calls).toEqual([8]);
  });

  it('bisects a refused insert down to the rows ClickHouse cannot store', async () => {
    const stored: number[] = [];
    const insert = (_t: string, batch: readonly Row[]): Promise<void> => {
      if (batch.some((r) => r['i'] === 3 || r['i'] === 6))
        return Promise.reject(clickhouseError('CANNOT_PARSE_UUID'));
      stored.push(...batch.map((r) => Number(r['i'])));
      return Promise.resolve();
    };
    const refused = await insertTableRows(insert, 't', rows(8), positions(8));
    expect(refused.map((r) => r.row['i'])).toEqual([3, 6]);
    expect(refused[0]).toMatchObject({ code: 'CANNOT_PARSE_UUID', position: { offset: '3' } });
    expect(stored.sort()).toEqual([0, 1, 2, 4, 5, 7]);
  });

  it('reports an unreachable ClickHouse as retriable and a broken table as a crash, without bisecting', async () => {
    let calls = 0;
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    await expect(
      insertTableRows(() => ((calls += 1), Promise.reject(down)), 't', rows(4), positions(4)),
    ).rejects.toMatchObject({ code: SINK_ERROR.clickhouseUnavailable, retriable: true });
    await expect(
      insertTableRows(
        () => ((calls += 1), Promise.reject(clickhouseError('UNKNOWN_TABLE'))),
        't',
        rows(4),
        positions(4),
      ),
    ).rejects.toMatchObject({ code: SINK_ERROR.insertFailed, retriable: false });
    expect(calls).toBe(2);
  });

  it('knows row errors from table and server errors', () => {
    expect(isRowError(clickhouseError('CANNOT_PARSE_DATETIME'))).toBe(true);
    expect(isRowError(clickhouseError('TYPE_MISMATCH'))).toBe(true);
    expect(isRowError(clickhouseError('UNKNOWN_TABLE'))).toBe(false);
    expect(isRowError(new Error('x'))).toBe(false);
  });
});
