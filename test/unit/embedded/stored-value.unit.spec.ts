import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeStoredValue,
  encodeStoredValue,
} from '../../../services/shared/embedded-store/stored-value.ts';
import { retentionFloor } from '../../../services/shared/embedded-store/retention-policy.ts';

describe('stored values', () => {
  it('round-trips JSON values with byte arrays anywhere in them, bytes coming back as Buffers', () => {
    const value = {
      body: { data: Buffer.from([0, 1, 254, 255]), sha256: 'ab' },
      list: [new Uint8Array([7, 8]), 'x', null, 1.5],
      empty: Buffer.alloc(0),
    };
    const back = decodeStoredValue(encodeStoredValue(value)) as typeof value;
    expect(back).toEqual({ ...value, list: [Buffer.from([7, 8]), 'x', null, 1.5] });
    expect(Buffer.isBuffer(back.body.data)).toBe(true);
    expect(decodeStoredValue(encodeStoredValue(Buffer.from('raw')))).toEqual(Buffer.from('raw'));
  });

  it('round-trips any JSON value unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(decodeStoredValue(encodeStoredValue(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('refuses a value without a JSON form, and stored text that is not JSON, with a stable code', () => {
    expect(() => encodeStoredValue(undefined)).toThrow(
      expect.objectContaining({ code: 'STORED_VALUE_INVALID' }),
    );
    expect(() => decodeStoredValue('{')).toThrow(expect.objectContaining({ code: 'STORED_VALUE_INVALID' }));
  });
});

describe('retention floor', () => {
  const committed = new Map([
    ['parser', 40],
    ['sink', 25],
  ]);

  it('is the lowest offset the durable consumers committed', () => {
    expect(retentionFloor({ durableGroups: ['parser', 'sink'] }, committed, 50)).toBe(25);
    expect(retentionFloor({ durableGroups: ['parser'] }, committed, 50)).toBe(40);
  });

  it('holds everything while a durable consumer has not committed, or when the whole history is wanted', () => {
    expect(retentionFloor({ durableGroups: ['parser', 'scorer'] }, committed, 50)).toBe(0);
    expect(retentionFloor({ durableGroups: ['parser'], everything: true }, committed, 50)).toBe(0);
  });

  it('holds nothing of a topic no durable consumer reads', () => {
    expect(retentionFloor({ durableGroups: [] }, committed, 50)).toBe(50);
  });
});
