import { describe, expect, it } from 'vitest';
import { createSinkBuffer } from '../../../services/sink/sink-buffer.ts';

const position = { topic: 't', partition: 0, offset: '0', timestamp: 0, key: null };

describe('sink buffer', () => {
  it('commits the offset after the last record of each partition', () => {
    const buffer = createSinkBuffer(() => 0);
    buffer.addRow('a', '{"x":1}', position);
    buffer.consumed('t', 0, '9');
    buffer.consumed('t', 0, '10');
    buffer.consumed('t', 1, '99999999999999999');
    buffer.consumed('u', 0, '0');
    const taken = buffer.take();
    expect(taken?.offsets).toEqual([
      { topic: 't', partition: 0, offset: '11' },
      { topic: 't', partition: 1, offset: '100000000000000000' },
      { topic: 'u', partition: 0, offset: '1' },
    ]);
    expect(taken).toMatchObject({ rows: 1, records: 4 });
    expect(taken?.tables.get('a')?.rows).toEqual(['{"x":1}']);
  });

  it('starts empty after take or clear, and ages from the first record', () => {
    let now = 100;
    const buffer = createSinkBuffer(() => now);
    expect(buffer.take()).toBeNull();
    expect(buffer.oldestAt).toBeNull();
    buffer.consumed('t', 0, '1');
    now = 250;
    buffer.consumed('t', 0, '2');
    expect(buffer.oldestAt).toBe(100);
    buffer.clear();
    expect([buffer.records, buffer.rows, buffer.oldestAt, buffer.take()]).toEqual([0, 0, null, null]);
  });

  it('flushes DLQ records even when no row was buffered', () => {
    const buffer = createSinkBuffer(() => 0);
    buffer.addDlq({ topic: 'dlq', key: null, value: null });
    buffer.consumed('t', 0, '5');
    expect(buffer.take()).toMatchObject({ rows: 0, records: 1, dlq: [{ topic: 'dlq' }] });
  });
});
