/**
 * How the embedded store keeps a value of the in-process log: JSON, with byte arrays (fetched
 * bodies, DLQ payloads) tagged as `{"$bytes": "<base64>"}` so they come back as Buffers, the
 * type the Avro codec hands out in the distributed mode. null (a tombstone) has no stored form:
 * the row says tombstone instead.
 */
const BYTES_TAG = '$bytes';

export class StoredValueError extends Error {
  readonly code = 'STORED_VALUE_INVALID';
  readonly retriable = false;
}

export function encodeStoredValue(value: unknown): string {
  const text = JSON.stringify(value, function replacer(this: Record<string, unknown>, key, replaced) {
    // JSON.stringify hands Buffer's toJSON() form to the replacer; the holder still has the bytes.
    const original = key === '' ? value : this[key];
    if (original instanceof Uint8Array)
      return {
        [BYTES_TAG]: Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString(
          'base64',
        ),
      };
    return replaced as unknown;
  });
  if (text === undefined) throw new StoredValueError(`value has no JSON form: ${typeof value}`);
  return text;
}

export function decodeStoredValue(text: string): unknown {
  try {
    // The reviver costs a call per value of the document: only values holding bytes pay for it.
    if (!text.includes(`"${BYTES_TAG}"`)) return JSON.parse(text) as unknown;
    return JSON.parse(text, (_key, parsed: unknown) => {
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        const tagged = (parsed as Record<string, unknown>)[BYTES_TAG];
        if (typeof tagged === 'string' && Object.keys(parsed).length === 1)
          return Buffer.from(tagged, 'base64');
      }
      return parsed;
    }) as unknown;
  } catch (cause) {
    throw new StoredValueError('stored value is not JSON', { cause });
  }
}
