/**
 * How the Kafka adapter turns values into bytes and back, per topic. Injected, so the same
 * adapter carries Avro through the schema registry in the pipeline and JSON in changelogs and
 * tests. A decode error with `retriable: true` (registry unreachable) is retried; any other
 * makes the record undecodable, and the run loop parks it in the processor's DLQ.
 */
export interface ValueCodec {
  encode(topic: string, value: unknown): Buffer | Promise<Buffer>;
  /** The decoded value, or a promise of it (a registry lookup may be needed). */
  decode(topic: string, bytes: Buffer): unknown;
}

export class CodecError extends Error {
  override readonly name = 'CodecError';
  readonly code: 'VALUE_NOT_JSON' | 'VALUE_NOT_ENCODABLE';
  readonly retriable = false;
  constructor(code: CodecError['code'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

export const jsonCodec: ValueCodec = {
  encode(topic, value) {
    const text = JSON.stringify(value);
    if (text === undefined) throw new CodecError('VALUE_NOT_ENCODABLE', `${topic}: value has no JSON form`);
    return Buffer.from(text, 'utf8');
  },
  decode(topic, bytes) {
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch (cause) {
      throw new CodecError('VALUE_NOT_JSON', `${topic}: value is not JSON`, { cause });
    }
  },
};

/** Bytes in, bytes out: for DLQ topics, whose values are the failed records' original bytes. */
export const bytesCodec: ValueCodec = {
  encode(topic, value) {
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    if (typeof value === 'string') return Buffer.from(value, 'utf8');
    throw new CodecError('VALUE_NOT_ENCODABLE', `${topic}: expected bytes`);
  },
  decode(_topic, bytes) {
    return bytes;
  },
};

/** Picks a codec per topic name, e.g. bytes for `dlq.*`, Avro for event topics, JSON for the rest. */
export function codecByTopic(select: (topic: string) => ValueCodec): ValueCodec {
  return {
    encode: (topic, value) => select(topic).encode(topic, value),
    decode: (topic, bytes) => select(topic).decode(topic, bytes),
  };
}

/** JSON everywhere except DLQ topics, which keep bytes: the default for changelogs and tests. */
export const defaultCodec: ValueCodec = codecByTopic((topic) =>
  topic.startsWith('dlq.') ? bytesCodec : jsonCodec,
);
