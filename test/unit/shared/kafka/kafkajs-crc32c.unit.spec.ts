import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../../../services/shared/kafka/kafkajs-crc32c.ts';

/** The definition: bit by bit, reflected Castagnoli polynomial. */
function reference(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('gives the CRC32C check value of "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('equals the bitwise definition for any bytes, whatever their length modulo 8 and offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        expect(crc32c(view)).toBe(reference(view));
      }),
      { numRuns: 500 },
    );
  });
});
