import { describe, expect, it } from 'vitest';
import { createStandingTable } from '../../../services/scorer/standing-table.ts';
import type { LogRecord } from '../../../services/shared/runtime/event-log.ts';
import { health } from '../../helpers/intel-events.ts';
import type { SourceHealth } from '../../../services/generated/events.ts';

const T = Date.UTC(2026, 0, 1);
let offset = 0;
const record = (key: string, value: SourceHealth | null): LogRecord => ({
  topic: 'sources.health.v1',
  partition: 0,
  offset: String(offset++),
  key,
  value,
  timestamp: T,
  headers: {},
  raw: null,
  decodeFailure: null,
});

describe('standing table', () => {
  it('answers lookups at once and asks for re-scoring only on material changes', () => {
    const changes: string[][] = [];
    const table = createStandingTable({ onChange: (ids) => changes.push([...ids]) });
    table.apply([
      record('a', health('a', T, { reliability: 0.8 })),
      record('b', health('b', T, { reliability: 0.5 })),
    ]);
    expect(changes).toEqual([['a', 'b']]);
    table.apply([record('a', health('a', T + 1, { reliability: 0.82 }))]);
    expect(table.lookup('a')?.reliability).toBe(0.82);
    expect(changes).toHaveLength(1);
    table.apply([record('a', health('a', T + 2, { reliability: 0.86 }))]);
    expect(changes.at(-1)).toEqual(['a']);
    table.apply([record('b', health('b', T + 3, { reliability: 0.5, demoted: true }))]);
    table.apply([record('b', health('b', T + 4, { reliability: 0.5, demoted: true, mirrorOf: 'a' }))]);
    expect(changes.slice(-2)).toEqual([['b'], ['b']]);
    table.apply([record('b', null)]);
    expect(table.lookup('b')).toBeUndefined();
    expect(changes.at(-1)).toEqual(['b']);
  });
});
