import { isRetriableClickHouseError } from '../shared/clickhouse/clickhouse-retriable.ts';
import type { RecordPosition } from './event-rows.ts';
import { SINK_ERROR, SinkError } from './sink-error.ts';

/**
 * ClickHouse error names that blame the data of an insert rather than the table or the server:
 * one row ClickHouse cannot store. Those rows are found by bisecting and parked in the DLQ,
 * so one bad value never blocks a partition.
 */
const ROW_ERROR =
  /^(CANNOT_PARSE_|CANNOT_READ_|INCORRECT_DATA$|TYPE_MISMATCH$|CANNOT_INSERT_NULL|VALUE_IS_OUT_OF_RANGE|TOO_LARGE_STRING_SIZE$|INCORRECT_NUMBER_OF_COLUMNS$|ILLEGAL_COLUMN$|DECIMAL_OVERFLOW$|ARGUMENT_OUT_OF_BOUND$)/;

export function isRowError(error: unknown): boolean {
  const type = (error as { type?: unknown } | null)?.type;
  return typeof type === 'string' && ROW_ERROR.test(type);
}

/** One row refused by ClickHouse, as it was sent (the sink sends JSON lines). */
export interface RefusedRow<R = string> {
  readonly row: R;
  readonly position: RecordPosition;
  readonly code: string;
  readonly message: string;
}

export type InsertRows<R = string> = (table: string, rows: readonly R[]) => Promise<void>;

/**
 * Inserts the rows; a retriable failure surfaces as SINK_CLICKHOUSE_UNAVAILABLE (the caller
 * backs off and calls again with the same rows, harmless because the tables deduplicate), a
 * row error is narrowed down by halving until the refused rows are alone, and anything else
 * is SINK_INSERT_FAILED. Returns the refused rows; the others are stored.
 */
export async function insertTableRows<R>(
  insert: InsertRows<R>,
  table: string,
  rows: readonly R[],
  positions: readonly RecordPosition[],
): Promise<RefusedRow<R>[]> {
  if (rows.length === 0) return [];
  try {
    await insert(table, rows);
    return [];
  } catch (error) {
    if (isRetriableClickHouseError(error)) {
      throw new SinkError(SINK_ERROR.clickhouseUnavailable, `insert into ${table}: ${messageOf(error)}`, {
        retriable: true,
        cause: error,
      });
    }
    if (!isRowError(error)) {
      throw new SinkError(SINK_ERROR.insertFailed, `insert into ${table} failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
    if (rows.length === 1) {
      const [row] = rows;
      const [position] = positions;
      if (row === undefined || position === undefined) return [];
      const type = (error as { type?: string }).type ?? 'UNKNOWN';
      return [{ row, position, code: type, message: messageOf(error) }];
    }
    const half = Math.ceil(rows.length / 2);
    const left = await insertTableRows(insert, table, rows.slice(0, half), positions.slice(0, half));
    const right = await insertTableRows(insert, table, rows.slice(half), positions.slice(half));
    return [...left, ...right];
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
