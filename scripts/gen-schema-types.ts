/**
 * Generates TypeScript from the Avro contracts in schemas/*.avsc (the source of truth):
 *   services/generated/events.ts   one interface per named record, the topic -> value map
 *   services/generated/schemas.ts  the schemas themselves, so runtime code needs no file reads
 *
 *   node --import tsx scripts/gen-schema-types.ts           write the files
 *   node --import tsx scripts/gen-schema-types.ts --check   exit 1 when the committed files drift
 *
 * Types come from avsc's parsed Type tree (not from walking raw JSON), so what we generate
 * is what avsc will actually accept and produce at runtime.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import avro from 'avsc';

export interface SchemaFile {
  /** File name, e.g. `sources.fetched.v1.avsc`; the topic is the name without `.avsc`. */
  readonly fileName: string;
  readonly text: string;
}

export interface GeneratedFile {
  /** Path relative to the repository root. */
  readonly path: string;
  readonly content: string;
}

export class SchemaGenerationError extends Error {
  readonly code = 'SCHEMA_GENERATION_FAILED';
  readonly retriable = false;
}

/**
 * avsc drops a logical type it has no implementation for, so the generator registers a
 * pass-through one purely to see `timestamp-millis` in the parsed tree. Runtime code uses
 * plain types: the value stays a number of epoch milliseconds either way.
 */
class EpochMillis extends avro.types.LogicalType {
  protected override _fromValue(val: unknown): unknown {
    return val;
  }
  protected override _toValue(val: unknown): unknown {
    return val;
  }
  protected override _resolve(type: avro.Type): unknown {
    if (avro.Type.isType(type, 'long', 'logical:timestamp-millis')) return (v: unknown) => v;
    return undefined;
  }
}

const TOPIC_FILE = /^([a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)*\.v[0-9]+)\.avsc$/;

interface FieldWithDoc extends avro.types.Field {
  readonly doc?: string;
}

interface NamedRecord {
  readonly shortName: string;
  readonly fullName: string;
  readonly canonical: string;
  readonly type: avro.types.RecordType;
}

export function generateFiles(files: readonly SchemaFile[]): GeneratedFile[] {
  const sorted = [...files].sort((a, b) => a.fileName.localeCompare(b.fileName));
  const records = new Map<string, NamedRecord>();
  const topics: { topic: string; root: string; schema: unknown }[] = [];
  const optional = new Set<string>();

  for (const file of sorted) {
    const match = TOPIC_FILE.exec(file.fileName);
    if (!match?.[1]) {
      throw new SchemaGenerationError(
        `${file.fileName}: schema files are named <topic>.avsc, e.g. sources.fetched.v1.avsc`,
      );
    }
    let schema: unknown;
    try {
      schema = JSON.parse(file.text);
    } catch (cause) {
      throw new SchemaGenerationError(`${file.fileName}: not valid JSON`, { cause });
    }
    const type = avro.Type.forSchema(schema as avro.Schema, {
      logicalTypes: { 'timestamp-millis': EpochMillis },
      wrapUnions: 'auto',
    });
    if (!(type instanceof avro.types.RecordType)) {
      throw new SchemaGenerationError(`${file.fileName}: a topic value must be a record`);
    }
    collectRecords(type, records, file.fileName);
    collectOptionalFields(schema, optional);
    topics.push({ topic: match[1], root: shortName(type), schema });
  }

  return [
    { path: 'services/generated/events.ts', content: renderEvents(records, topics, optional) },
    { path: 'services/generated/schemas.ts', content: renderSchemas(topics) },
  ];
}

function shortName(type: avro.Type): string {
  const name = type.name ?? '';
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Named records shared between files (EventMetadata) must be identical everywhere. */
function collectRecords(type: avro.Type, into: Map<string, NamedRecord>, fileName: string): void {
  if (type instanceof avro.types.RecordType) {
    const fullName = type.name ?? '';
    const canonical = JSON.stringify(type.schema({ exportAttrs: true }));
    const known = into.get(fullName);
    if (known) {
      if (known.canonical !== canonical) {
        throw new SchemaGenerationError(
          `${fileName}: record ${fullName} differs from its definition in another schema; shared records must be identical`,
        );
      }
      return;
    }
    const short = shortName(type);
    for (const other of into.values()) {
      if (other.shortName === short) {
        throw new SchemaGenerationError(
          `${fileName}: records ${other.fullName} and ${fullName} share the name ${short}`,
        );
      }
    }
    into.set(fullName, { shortName: short, fullName, canonical, type });
    for (const field of type.fields) collectRecords(field.type, into, fileName);
  } else if (type instanceof avro.types.ArrayType) {
    collectRecords(type.itemsType, into, fileName);
  } else if (type instanceof avro.types.MapType) {
    collectRecords(type.valuesType as avro.Type, into, fileName);
  } else if (type instanceof avro.types.UnwrappedUnionType) {
    for (const branch of type.types) collectRecords(branch, into, fileName);
  } else if (type instanceof avro.types.WrappedUnionType) {
    throw new SchemaGenerationError(
      `${fileName}: union ${JSON.stringify(type.schema())} needs wrapping; use nullable unions or one branch per kind`,
    );
  }
}

function tsType(type: avro.Type): string {
  if (type instanceof avro.types.RecordType) return shortName(type);
  if (type instanceof avro.types.ArrayType) return `readonly ${parenthesise(tsType(type.itemsType))}[]`;
  if (type instanceof avro.types.MapType)
    return `Readonly<Record<string, ${tsType(type.valuesType as avro.Type)}>>`;
  if (type instanceof avro.types.EnumType) return type.symbols.map((s) => JSON.stringify(s)).join(' | ');
  if (type instanceof avro.types.UnwrappedUnionType) {
    // `T | null` reads better than `null | T`; order carries no meaning in TypeScript.
    const branches = type.types.map(tsType);
    return [...branches.filter((b) => b !== 'null'), ...branches.filter((b) => b === 'null')].join(' | ');
  }
  switch (type.typeName) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
    case 'logical:timestamp-millis':
      return 'number';
    case 'string':
      return 'string';
    case 'bytes':
    case 'fixed':
      return 'Buffer';
    default:
      throw new SchemaGenerationError(`unsupported Avro type ${type.typeName}`);
  }
}

function holdsMillis(type: avro.Type): boolean {
  if (type instanceof avro.types.UnwrappedUnionType) return type.types.some(holdsMillis);
  return type.typeName === 'logical:timestamp-millis';
}

function parenthesise(t: string): string {
  return t.includes(' ') ? `(${t})` : t;
}

function jsDoc(text: string | undefined, indent: string, extra?: string): string {
  const lines = [text, extra].filter((l): l is string => l !== undefined && l !== '');
  if (lines.length === 0) return '';
  return `${indent}/** ${lines.join(' ').replace(/\*\//g, '*\\/')} */\n`;
}

/**
 * `<record short name>.<field>` of fields marked `"tsOptional": true`: a defaulted field added
 * to a released schema that TypeScript producers may leave out (avsc writes its default), so
 * adding it does not force a change on every fixture. avsc drops unknown field attributes, so
 * they are read from the schema's JSON.
 */
function collectOptionalFields(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const branch of node) collectOptionalFields(branch, into);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  if (n['type'] === 'record' && Array.isArray(n['fields'])) {
    const name = String(n['name']);
    const short = name.slice(name.lastIndexOf('.') + 1);
    for (const field of n['fields'] as Record<string, unknown>[]) {
      if (field['tsOptional'] === true) into.add(`${short}.${String(field['name'])}`);
      collectOptionalFields(field['type'], into);
    }
  } else if (n['type'] === 'array') collectOptionalFields(n['items'], into);
  else if (n['type'] === 'map') collectOptionalFields(n['values'], into);
  else if (typeof n['type'] === 'object') collectOptionalFields(n['type'], into);
}

function renderEvents(
  records: ReadonlyMap<string, NamedRecord>,
  topics: readonly { topic: string; root: string }[],
  optional: ReadonlySet<string> = new Set(),
): string {
  let out = HEADER;
  out += '/* eslint-disable */\n\n';
  const ordered = [...records.values()].sort((a, b) => a.shortName.localeCompare(b.shortName));
  for (const record of ordered) {
    out += jsDoc(record.type.doc, '', `Avro record \`${record.fullName}\`.`);
    out += `export interface ${record.shortName} {\n`;
    for (const field of record.type.fields as FieldWithDoc[]) {
      const millis = holdsMillis(field.type) ? '(epoch milliseconds)' : undefined;
      out += jsDoc(field.doc, '  ', millis);
      const mark = optional.has(`${record.shortName}.${field.name}`) ? '?' : '';
      out += `  readonly ${field.name}${mark}: ${tsType(field.type)};\n`;
    }
    out += '}\n\n';
  }
  out += '/** Every topic with an Avro contract, in schema-file order. */\n';
  out += `export const EVENT_TOPICS = [\n${topics.map((t) => `  ${JSON.stringify(t.topic)},\n`).join('')}] as const;\n`;
  out += 'export type EventTopic = (typeof EVENT_TOPICS)[number];\n\n';
  out += '/** The value type of each topic (a null value on a compacted topic is a tombstone). */\n';
  out += 'export interface EventValueByTopic {\n';
  for (const t of topics) out += `  ${JSON.stringify(t.topic)}: ${t.root};\n`;
  out += '}\n';
  return out;
}

function renderSchemas(topics: readonly { topic: string; schema: unknown }[]): string {
  let out = HEADER;
  out += "import type { EventTopic } from './events.ts';\n\n";
  out += '/** An Avro record schema as JSON (the shape the registry and avsc accept). */\n';
  out += 'export interface AvroRecordSchema {\n';
  out += "  readonly type: 'record';\n  readonly name: string;\n  readonly namespace?: string;\n";
  out += '  readonly doc?: string;\n  readonly fields: readonly unknown[];\n}\n\n';
  out += '/** The schema of each topic, verbatim from schemas/<topic>.avsc. */\n';
  out += 'export const EVENT_SCHEMAS: Readonly<Record<EventTopic, AvroRecordSchema>> = {\n';
  for (const t of topics) {
    const body = JSON.stringify(t.schema, null, 2).replace(/\n/g, '\n  ');
    out += `  ${JSON.stringify(t.topic)}: ${body},\n`;
  }
  out += '};\n';
  return out;
}

const HEADER =
  '// Generated by scripts/gen-schema-types.ts from schemas/*.avsc. Do not edit by hand:\n' +
  '// change the .avsc file and run `npm run gen:types` (CI runs `npm run gen:check`).\n';

export function readSchemaFiles(schemasDir: string): SchemaFile[] {
  return readdirSync(schemasDir)
    .filter((name) => name.endsWith('.avsc'))
    .map((fileName) => ({ fileName, text: readFileSync(join(schemasDir, fileName), 'utf8') }));
}

function main(argv: readonly string[]): number {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const generated = generateFiles(readSchemaFiles(join(root, 'schemas')));
  if (argv.includes('--check')) {
    const drifted = generated.filter((file) => {
      try {
        return readFileSync(join(root, file.path), 'utf8') !== file.content;
      } catch {
        return true;
      }
    });
    if (drifted.length > 0) {
      process.stderr.write(
        `generated code drifted from schemas/*.avsc: ${drifted.map((f) => f.path).join(', ')}\n` +
          'run `npm run gen:types` and commit the result\n',
      );
      return 1;
    }
    process.stdout.write(`generated code up to date (${generated.length} files)\n`);
    return 0;
  }
  for (const file of generated) {
    const target = join(root, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    process.stdout.write(`wrote ${relative(root, target)}\n`);
  }
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
