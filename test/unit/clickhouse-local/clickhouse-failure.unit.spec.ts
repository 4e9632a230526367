import { describe, expect, it } from 'vitest';
import {
  failureBody,
  failureFromEngine,
  httpStatusFor,
  shimFailure,
} from '../../../services/clickhouse-local/clickhouse-failure.ts';

describe('ClickHouse failures over HTTP', () => {
  it("keeps the engine's code, name and text and picks the server's status", () => {
    const failure = failureFromEngine(
      new Error("Code: 60. DB::Exception: Unknown table expression identifier 'nope' (UNKNOWN_TABLE)"),
    );
    expect(failure).toMatchObject({ code: 60, name: 'UNKNOWN_TABLE', status: 404 });
    expect(failureBody(failure, '26.7.2.1')).toBe(
      "Code: 60. DB::Exception: Unknown table expression identifier 'nope' (UNKNOWN_TABLE) (version 26.7.2.1)\n",
    );
  });

  it('takes the last error name when the message quotes others', () => {
    const failure = failureFromEngine(
      new Error('Code: 62. DB::Exception: Syntax error near (ABC) ... (SYNTAX_ERROR)'),
    );
    expect(failure).toMatchObject({ code: 62, name: 'SYNTAX_ERROR', status: 400 });
  });

  it('reports errors without ClickHouse shape as STD_EXCEPTION with status 500', () => {
    expect(failureFromEngine(new Error('connection closed.'))).toEqual({
      status: 500,
      code: 1001,
      name: 'STD_EXCEPTION',
      text: 'Code: 1001. DB::Exception: connection closed. (STD_EXCEPTION)',
    });
  });

  it('maps names to the statuses a server uses', () => {
    expect(httpStatusFor('SYNTAX_ERROR')).toBe(400);
    expect(httpStatusFor('UNKNOWN_DATABASE')).toBe(404);
    expect(httpStatusFor('NOT_IMPLEMENTED')).toBe(501);
    expect(httpStatusFor('MEMORY_LIMIT_EXCEEDED')).toBe(500);
  });

  it('builds its own failures in the format @clickhouse/client parses', () => {
    expect(shimFailure('LIMIT_EXCEEDED', 'Request body too large')).toEqual({
      status: 413,
      code: 290,
      name: 'LIMIT_EXCEEDED',
      text: 'Code: 290. DB::Exception: Request body too large. (LIMIT_EXCEEDED)',
    });
  });
});
