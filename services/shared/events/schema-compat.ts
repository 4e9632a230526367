import avro from 'avsc';

export type CompatibilityResult =
  | { readonly compatible: true }
  | {
      readonly compatible: false;
      /** SCHEMA_INVALID: one side is not a valid Avro schema; SCHEMA_INCOMPATIBLE: it cannot read the other. */
      readonly code: 'SCHEMA_INVALID' | 'SCHEMA_INCOMPATIBLE';
      readonly reason: string;
    };

/**
 * BACKWARD compatibility as the registry enforces it on `<topic>-value` subjects: a consumer
 * compiled against `readerSchema` (the new version) must read every record written with
 * `writerSchema` (the previous one). avsc's resolver is exactly that check: it refuses to
 * build when a reader field has no default and no writer counterpart, when a type cannot be
 * promoted, or when a named type was renamed without an alias.
 */
export function checkBackwardCompatible(readerSchema: unknown, writerSchema: unknown): CompatibilityResult {
  let reader: avro.Type;
  let writer: avro.Type;
  try {
    reader = avro.Type.forSchema(readerSchema as avro.Schema);
    writer = avro.Type.forSchema(writerSchema as avro.Schema);
  } catch (cause) {
    return { compatible: false, code: 'SCHEMA_INVALID', reason: messageOf(cause) };
  }
  try {
    reader.createResolver(writer);
    return { compatible: true };
  } catch (cause) {
    return {
      compatible: false,
      code: 'SCHEMA_INCOMPATIBLE',
      reason: messageOf(cause),
    };
  }
}

const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));
