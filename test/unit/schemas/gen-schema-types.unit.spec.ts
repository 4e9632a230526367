import { describe, expect, it } from 'vitest';
import { generateFiles } from '../../../scripts/gen-schema-types.ts';
import type { SchemaFile } from '../../../scripts/gen-schema-types.ts';

const file = (fileName: string, schema: object): SchemaFile => ({ fileName, text: JSON.stringify(schema) });
const meta = (doc = 'm') => ({
  name: 'metadata',
  type: { type: 'record', name: 'Meta', fields: [{ name: 'eventId', type: 'string', doc }] },
});
const eventsTs = (files: SchemaFile[]): string =>
  generateFiles(files).find((f) => f.path === 'services/generated/events.ts')?.content ?? '';

describe('gen-schema-types', () => {
  it('maps every Avro type to the TypeScript avsc produces at runtime', () => {
    const out = eventsTs([
      file('a.b.v1.avsc', {
        type: 'record',
        name: 'Thing',
        namespace: 'x.v1',
        fields: [
          { name: 'n', type: ['null', 'int'], default: null, doc: 'nullable' },
          { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
          {
            name: 'maybeAt',
            type: ['null', { type: 'long', logicalType: 'timestamp-millis' }],
            default: null,
          },
          { name: 'counts', type: { type: 'map', values: 'long' } },
          { name: 'names', type: { type: 'array', items: ['null', 'string'] } },
          { name: 'raw', type: 'bytes' },
          { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
          { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
          { name: 'ok', type: 'boolean' },
          { name: 'score', type: 'double' },
        ],
      }),
    ]);
    expect(out).toContain('  /** nullable */\n  readonly n: number | null;');
    expect(out).toContain('  /** (epoch milliseconds) */\n  readonly at: number;');
    expect(out).toContain('  /** (epoch milliseconds) */\n  readonly maybeAt: number | null;');
    expect(out).toContain('readonly counts: Readonly<Record<string, number>>;');
    expect(out).toContain('readonly names: readonly (string | null)[];');
    expect(out).toContain('readonly raw: Buffer;');
    expect(out).toContain('readonly hash: Buffer;');
    expect(out).toContain('readonly kind: "A" | "B";');
    expect(out).toContain('readonly ok: boolean;');
    expect(out).toContain('"a.b.v1": Thing;');
  });

  it('emits a record shared by several schemas once', () => {
    const out = eventsTs([
      file('a.v1.avsc', { type: 'record', name: 'A', fields: [meta()] }),
      file('b.v1.avsc', { type: 'record', name: 'B', fields: [meta()] }),
    ]);
    expect(out.match(/export interface Meta /g)).toHaveLength(1);
  });

  it('refuses a shared record defined differently in two schemas', () => {
    expect(() =>
      generateFiles([
        file('a.v1.avsc', { type: 'record', name: 'A', fields: [meta('one')] }),
        file('b.v1.avsc', { type: 'record', name: 'B', fields: [meta('two')] }),
      ]),
    ).toThrow(/record Meta differs/);
  });

  it('refuses a file not named after a versioned topic', () => {
    expect(() => generateFiles([file('Thing.avsc', { type: 'record', name: 'A', fields: [] })])).toThrow(
      /named <topic>.avsc/,
    );
  });

  it('refuses a topic value that is not a record', () => {
    expect(() => generateFiles([file('a.v1.avsc', { type: 'string' })])).toThrow(/must be a record/);
  });

  it('refuses unions that avsc would wrap', () => {
    const union = ['string', { type: 'enum', name: 'E', symbols: ['X'] }];
    expect(() =>
      generateFiles([file('a.v1.avsc', { type: 'record', name: 'A', fields: [{ name: 'u', type: union }] })]),
    ).toThrow(/needs wrapping/);
  });

  it('generates the same text for the same schemas, whatever the file order', () => {
    const a = file('a.v1.avsc', { type: 'record', name: 'A', fields: [meta()] });
    const b = file('b.v1.avsc', { type: 'record', name: 'B', fields: [meta()] });
    expect(generateFiles([b, a])).toEqual(generateFiles([a, b]));
  });
});
