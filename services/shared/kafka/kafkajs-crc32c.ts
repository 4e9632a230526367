import { createRequire } from 'node:module';

/**
 * kafkajs checksums every record batch it produces with a byte-at-a-time CRC32C in JS: a few
 * per cent of a processor's CPU when it writes ~1 KB records. Importing this module first (before
 * anything imports kafkajs) puts a slicing-by-8 implementation of the same function into kafkajs'
 * module cache, where kafkajs' record batch encoder then finds it. It has to happen at import time,
 * hence a module with a side effect; if kafkajs was loaded already it changes nothing.
 */
const POLYNOMIAL = 0x82f63b78;
const TABLE = new Int32Array(8 * 256);
for (let n = 0; n < 256; n += 1) {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
  TABLE[n] = c;
}
for (let n = 0; n < 256; n += 1) {
  let c = TABLE[n] as number;
  for (let k = 1; k < 8; k += 1) {
    c = (TABLE[c & 0xff] as number) ^ (c >>> 8);
    TABLE[k * 256 + n] = c;
  }
}

/** CRC32C (Castagnoli) of the bytes, unsigned: what kafkajs' crc32C.js returns. */
export function crc32c(bytes: Uint8Array): number {
  const t = TABLE;
  let crc = -1;
  let i = 0;
  const whole = bytes.length - (bytes.length % 8);
  for (; i < whole; i += 8) {
    const low =
      crc ^
      ((bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24));
    crc =
      (t[1792 + (low & 0xff)] as number) ^
      (t[1536 + ((low >>> 8) & 0xff)] as number) ^
      (t[1280 + ((low >>> 16) & 0xff)] as number) ^
      (t[1024 + (low >>> 24)] as number) ^
      (t[768 + (bytes[i + 4] as number)] as number) ^
      (t[512 + (bytes[i + 5] as number)] as number) ^
      (t[256 + (bytes[i + 6] as number)] as number) ^
      (t[bytes[i + 7] as number] as number);
  }
  for (; i < bytes.length; i += 1) crc = (t[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** Whether kafkajs will use crc32c: false when kafkajs' encoder was loaded before this module. */
export const kafkajsUsesFastCrc32c: boolean = install();

function install(): boolean {
  const require = createRequire(import.meta.url);
  const file = require.resolve('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js');
  const encoder = require.resolve('kafkajs/src/protocol/recordBatch/crc32C/index.js');
  if (require.cache[encoder] !== undefined) return require.cache[file]?.exports === crc32c;
  // A loaded module record: require() of this path returns its exports without reading the file.
  const entry = { id: file, filename: file, loaded: true, exports: crc32c, children: [], paths: [] };
  require.cache[file] = entry as unknown as NonNullable<(typeof require.cache)[string]>;
  return true;
}
