import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { checkBackwardCompatible } from '../../../services/shared/events/schema-compat.ts';

// Every released version of a topic's schema lives in schemas/history/<topic>.<n>.avsc.
// The working schema (schemas/<topic>.avsc) must stay BACKWARD compatible with the latest
// released one: consumers on the new schema read everything already in the topic.

const SCHEMAS_DIR = join(import.meta.dirname, '../../../schemas');
const HISTORY_DIR = join(SCHEMAS_DIR, 'history');

type Json = Record<string, unknown> & { fields: Field[] };
type Field = Record<string, unknown> & { name: string };

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;
const topics = readdirSync(SCHEMAS_DIR)
  .filter((f) => f.endsWith('.avsc'))
  .map((f) => f.slice(0, -'.avsc'.length))
  .sort();

function releasedVersions(topic: string): { version: number; schema: Json }[] {
  const pattern = new RegExp(`^${topic.replace(/\./g, '\\.')}\\.(\\d+)\\.avsc$`);
  return readdirSync(HISTORY_DIR)
    .map((f) => ({ f, m: pattern.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null)
    .map(({ f, m }) => ({ version: Number(m[1]), schema: readJson(join(HISTORY_DIR, f)) }))
    .sort((a, b) => a.version - b.version);
}

/** Records written with `writer` and read back through `reader`: the compatibility that matters. */
function readsOldRecords(reader: Json, writer: Json, samples = 50): void {
  const readerType = avro.Type.forSchema(reader as avro.Schema);
  const writerType = avro.Type.forSchema(writer as avro.Schema);
  const resolver = readerType.createResolver(writerType);
  for (let i = 0; i < samples; i++) {
    const written: unknown = writerType.random();
    const read: unknown = readerType.fromBuffer(writerType.toBuffer(written), resolver);
    expect(readerType.isValid(read)).toBe(true);
  }
}

describe('schema history', () => {
  it('finds a schema for every topic of the topology', () => {
    expect(topics).toEqual([
      'admin.audit.v1',
      'configs.current.v1',
      'configs.observed.v1',
      'configs.probed.v1',
      'configs.scored.v1',
      'read-api.keys.v1',
      'read-api.preset-accesses.v1',
      'read-api.presets.v1',
      'sources.anomalies.v1',
      'sources.catalog.v1',
      'sources.commands.v1',
      'sources.fetched.v1',
      'sources.health.v1',
      'sources.snapshots.v1',
    ]);
  });

  it('holds only files that belong to a current topic', () => {
    const orphans = readdirSync(HISTORY_DIR).filter(
      (f) => !topics.some((t) => new RegExp(`^${t.replace(/\./g, '\\.')}\\.\\d+\\.avsc$`).test(f)),
    );
    expect(orphans).toEqual([]);
  });

  describe.each(topics)('%s', (topic) => {
    const released = releasedVersions(topic);
    const current = readJson(join(SCHEMAS_DIR, `${topic}.avsc`));

    it('has its released versions numbered from 1 without gaps', () => {
      expect(released.map((r) => r.version)).toEqual(released.map((_, i) => i + 1));
      expect(released.length).toBeGreaterThan(0);
    });

    it('stays backward compatible with its latest released version', () => {
      const latest = released.at(-1);
      if (!latest) throw new Error(`no released version of ${topic} in schemas/history`);
      expect(checkBackwardCompatible(current, latest.schema)).toEqual({ compatible: true });
      readsOldRecords(current, latest.schema);
    });

    it('released each version backward compatible with the one before', () => {
      for (let i = 1; i < released.length; i++) {
        const [prev, next] = [released[i - 1], released[i]];
        if (!prev || !next) continue;
        expect(
          checkBackwardCompatible(next.schema, prev.schema),
          `v${next.version} reads v${prev.version}`,
        ).toEqual({
          compatible: true,
        });
      }
    });
  });
});

describe('checkBackwardCompatible', () => {
  const base = readJson(join(SCHEMAS_DIR, 'sources.fetched.v1.avsc'));
  const variant = (edit: (fields: Field[]) => Field[], top: Partial<Json> = {}): Json => ({
    ...structuredClone(base),
    ...top,
    fields: edit(structuredClone(base.fields)),
  });
  const retype = (name: string, type: unknown) => (fields: Field[]) =>
    fields.map((f) => (f.name === name ? { ...f, type } : f));
  const required = (name: string, type: unknown) => (fields: Field[]) =>
    fields.map((f) => {
      if (f.name !== name) return f;
      const { default: _default, ...rest } = f;
      return { ...rest, type };
    });
  const sizesWith = (wireBytesType: string) => (fields: Field[]) =>
    fields.map((f) => {
      if (f.name !== 'sizes') return f;
      const sizes = f['type'] as Json;
      return {
        ...f,
        type: {
          ...sizes,
          fields: sizes.fields.map((sf) => (sf.name === 'wireBytes' ? { ...sf, type: wireBytesType } : sf)),
        },
      };
    });

  describe('rejects a new version that cannot read old records', () => {
    it.each([
      ['a new field without a default', variant((fs) => [...fs, { name: 'fetcherRegion', type: 'string' }])],
      ['a field whose type changed from string to int', variant(retype('outcome', 'int'))],
      ['a field narrowed from long to int', variant(sizesWith('int'))],
      [
        'a field renamed without an alias',
        variant((fs) => fs.map((f) => (f.name === 'outcome' ? { ...f, name: 'result' } : f))),
      ],
      ['a record renamed without an alias', variant((fs) => fs, { name: 'SourceDownloaded' })],
      ['a nullable field made required', variant(required('httpStatus', 'int'))],
    ])('%s', (_, next) => {
      const result = checkBackwardCompatible(next, base);
      expect(result.compatible).toBe(false);
      if (!result.compatible) {
        expect(result.code).toBe('SCHEMA_INCOMPATIBLE');
        expect(result.reason).not.toBe('');
      }
    });
  });

  describe('accepts a new version that reads old records', () => {
    it.each([
      [
        'a new nullable field defaulting to null',
        variant((fs) => [...fs, { name: 'fetcherRegion', type: ['null', 'string'], default: null }]),
      ],
      [
        'a new map field defaulting to empty',
        variant((fs) => [...fs, { name: 'extra', type: { type: 'map', values: 'string' }, default: {} }]),
      ],
      ['a removed field', variant((fs) => fs.filter((f) => f.name !== 'remoteAddress'))],
      ['a field widened from int to long', variant(retype('redirects', 'long'))],
      ['a required field made nullable', variant(retype('outcome', ['string', 'null']))],
      [
        'a field renamed with an alias',
        variant((fs) =>
          fs.map((f) => (f.name === 'outcome' ? { ...f, name: 'result', aliases: ['outcome'] } : f)),
        ),
      ],
    ])('%s', (_, next) => {
      expect(checkBackwardCompatible(next, base)).toEqual({ compatible: true });
      readsOldRecords(next, base);
    });
  });

  it('reports a schema that is not valid Avro instead of throwing', () => {
    const broken = variant(retype('httpStatus', 'int'));
    // a default of null on an int field is invalid Avro
    expect(checkBackwardCompatible(broken, base)).toMatchObject({
      compatible: false,
      code: 'SCHEMA_INVALID',
    });
  });

  it('fills a new field with its default when reading an old record', () => {
    const next = variant((fs) => [...fs, { name: 'fetcherRegion', type: ['null', 'string'], default: null }]);
    const oldType = avro.Type.forSchema(base as avro.Schema);
    const newType = avro.Type.forSchema(next as avro.Schema);
    const old = oldType.random() as unknown as Record<string, unknown>;
    const read = newType.fromBuffer(oldType.toBuffer(old), newType.createResolver(oldType)) as Record<
      string,
      unknown
    >;
    expect(read['fetcherRegion']).toBeNull();
    expect(read['sourceId']).toBe(old['sourceId']);
  });
});
