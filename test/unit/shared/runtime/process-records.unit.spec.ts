import { describe, expect, it } from 'vitest';
import { dlq, ok } from '../../../../services/core/processing/outcome.ts';
import type { Processor } from '../../../../services/core/processing/processor.ts';
import { DLQ_CODES, DLQ_HEADERS } from '../../../../services/shared/runtime/dlq-headers.ts';
import type { LogRecord } from '../../../../services/shared/runtime/event-log.ts';
import { processRecords } from '../../../../services/shared/runtime/process-records.ts';
import { RUNTIME_ERROR_CODES } from '../../../../services/shared/runtime/runtime-error.ts';
import { createStateStores } from '../../../../services/shared/runtime/state-stores.ts';

const record = (
  offset: string,
  key: string | null,
  value: unknown,
  extra: Partial<LogRecord> = {},
): LogRecord => ({
  topic: 'in',
  partition: 2,
  offset,
  key,
  value,
  timestamp: 1,
  headers: {},
  raw: null,
  decodeFailure: null,
  ...extra,
});

/** Keeps the last value per key; `{del: true}` deletes; `{bad: true}` is rejected. */
const lastValue: Processor = {
  name: 'last',
  inputTopics: ['in'],
  outputTopics: ['out'],
  stores: ['last'],
  process(r, context) {
    if (r.key === null) return dlq('KEY_MISSING', 'no key');
    const v = r.value as { del?: boolean; bad?: boolean; v?: number };
    if (v.bad === true) return dlq('BAD', 'bad value');
    const previous = context.store<number>('last').get(r.key);
    const next = v.del === true ? null : (v.v ?? 0);
    return ok(
      [{ topic: 'out', key: r.key, value: { previous: previous ?? null, next } }],
      [{ store: 'last', key: r.key, value: next }],
    );
  },
};

describe('processRecords', () => {
  it('lets later records of a chunk see earlier state changes while the stores stay untouched until applied', () => {
    const stores = createStateStores(['last']);
    stores.apply(2, [{ store: 'last', key: 'a', value: 1 }]);
    const result = processRecords(
      lastValue,
      [record('10', 'a', { v: 2 }), record('11', 'a', { v: 3 }), record('12', 'a', { del: true })],
      {
        partition: 2,
        stores,
        now: 5,
      },
    );
    expect(result.outgoing.filter((o) => o.topic === 'out').map((o) => o.value)).toEqual([
      { previous: 1, next: 2 },
      { previous: 2, next: 3 },
      { previous: 3, next: null },
    ]);
    expect(stores.get(2, 'last', 'a')).toBe(1);
    stores.apply(2, result.stateChanges);
    expect(stores.get(2, 'last', 'a')).toBeUndefined();
    expect(result.nextOffset).toBe('13');
  });

  it('writes one changelog record per changed key, its last value, to the input partition', () => {
    const result = processRecords(
      lastValue,
      [
        record('0', 'a', { v: 1 }),
        record('1', 'b', { v: 1 }),
        record('2', 'a', { v: 2 }),
        record('3', 'b', { del: true }),
      ],
      {
        partition: 2,
        stores: createStateStores(['last']),
        now: 0,
      },
    );
    const changelog = result.outgoing.filter((o) => o.topic === 'last.last.changelog.v1');
    expect(changelog).toEqual([
      { topic: 'last.last.changelog.v1', key: 'a', value: 2, partition: 2 },
      { topic: 'last.last.changelog.v1', key: 'b', value: null, partition: 2 },
    ]);
    expect(Object.fromEntries(result.tally.outputsByTopic)).toEqual({ out: 4, 'last.last.changelog.v1': 2 });
  });

  it('parks dlq outcomes and undecodable records in dlq.<processor>.v1, undecodable ones with their original bytes', () => {
    const raw = Uint8Array.from([1, 2, 3]);
    const result = processRecords(
      lastValue,
      [
        record('7', 'a', { bad: true }, { headers: { h: '1' } }),
        record('8', 'b', null, { raw, decodeFailure: { code: 'VALUE_NOT_JSON', message: 'nope' } }),
        record('9', 'c', { v: 1 }),
      ],
      { partition: 2, stores: createStateStores(['last']), now: 42 },
    );
    const parked = result.outgoing.filter((o) => o.topic === 'dlq.last.v1');
    expect(parked).toHaveLength(2);
    expect(parked[0]).toMatchObject({
      key: 'a',
      value: { bad: true },
      headers: {
        h: '1',
        [DLQ_HEADERS.processor]: 'last',
        [DLQ_HEADERS.sourceTopic]: 'in',
        [DLQ_HEADERS.sourcePartition]: '2',
        [DLQ_HEADERS.sourceOffset]: '7',
        [DLQ_HEADERS.errorCode]: 'BAD',
        [DLQ_HEADERS.errorMessage]: 'bad value',
        [DLQ_HEADERS.failedAt]: '42',
      },
    });
    expect(parked[1]).toMatchObject({
      key: 'b',
      value: raw,
      encoding: 'raw',
      headers: {
        [DLQ_HEADERS.errorCode]: DLQ_CODES.undecodable,
        [DLQ_HEADERS.errorMessage]: 'VALUE_NOT_JSON: nope',
      },
    });
    expect(Object.fromEntries(result.tally.dlqByCode)).toEqual({ BAD: 1, [DLQ_CODES.undecodable]: 1 });
    expect(result.outgoing.filter((o) => o.topic === 'out')).toHaveLength(1);
  });

  it('counts offsets beyond 2^53 exactly', () => {
    const result = processRecords(lastValue, [record('9007199254740993', 'a', { v: 1 })], {
      partition: 2,
      stores: createStateStores(['last']),
      now: 0,
    });
    expect(result.nextOffset).toBe('9007199254740994');
  });

  it('treats an undeclared output topic or store as a processor bug', () => {
    const stray: Processor = {
      ...lastValue,
      process: () => ok([{ topic: 'elsewhere', key: 'k', value: 1 }]),
    };
    expect(() =>
      processRecords(stray, [record('0', 'k', {})], {
        partition: 0,
        stores: createStateStores(['last']),
        now: 0,
      }),
    ).toThrow(expect.objectContaining({ code: RUNTIME_ERROR_CODES.processorContract }));
    const storeless: Processor = {
      ...lastValue,
      process: () => ok([], [{ store: 'other', key: 'k', value: 1 }]),
    };
    expect(() =>
      processRecords(storeless, [record('0', 'k', {})], {
        partition: 0,
        stores: createStateStores(['last']),
        now: 0,
      }),
    ).toThrow(expect.objectContaining({ code: RUNTIME_ERROR_CODES.processorContract }));
  });
});
