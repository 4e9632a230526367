import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFiles, readSchemaFiles } from '../../../scripts/gen-schema-types.ts';
import { EVENT_TOPICS } from '../../../services/generated/events.ts';
import type { SourceFetched } from '../../../services/generated/events.ts';
import {
  createEventTypes,
  decodeEvent,
  encodeEvent,
  InvalidEventError,
} from '../../../services/shared/events/event-types.ts';

const ROOT = join(import.meta.dirname, '../../..');
const files = readSchemaFiles(join(ROOT, 'schemas'));

interface Node {
  readonly [key: string]: unknown;
}

/** Every field of a schema, depth first, with its dotted path. */
function fieldsOf(schema: unknown, path = ''): { path: string; field: Node }[] {
  const out: { path: string; field: Node }[] = [];
  const visit = (type: unknown, at: string): void => {
    if (Array.isArray(type)) return type.forEach((branch) => visit(branch, at));
    if (typeof type !== 'object' || type === null) return;
    const node = type as Node;
    if (node['type'] === 'record' && Array.isArray(node['fields'])) {
      for (const field of node['fields'] as Node[]) {
        const fieldPath = at ? `${at}.${String(field['name'])}` : String(field['name']);
        out.push({ path: fieldPath, field });
        visit(field['type'], fieldPath);
      }
    } else if (node['type'] === 'array') visit(node['items'], at);
    else if (node['type'] === 'map') visit(node['values'], at);
  };
  visit(schema, path);
  return out;
}

describe.each(files.map((f) => [f.fileName, JSON.parse(f.text) as Node] as const))('%s', (_, schema) => {
  it('is a documented record in the submerge.v1 namespace', () => {
    expect(schema['type']).toBe('record');
    expect(schema['namespace']).toBe('submerge.v1');
    expect(schema['name']).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    expect(typeof schema['doc']).toBe('string');
  });

  it('starts with the shared EventMetadata record, identical to the one in sources.fetched.v1', () => {
    const reference = JSON.parse(
      files.find((f) => f.fileName === 'sources.fetched.v1.avsc')?.text ?? '{}',
    ) as {
      fields: Node[];
    };
    const [first] = (schema['fields'] as Node[]) ?? [];
    expect(first?.['name']).toBe('metadata');
    expect(first).toEqual(reference.fields[0]);
    const metadata = first?.['type'] as { fields: Node[] };
    expect(metadata.fields.map((f) => f['name'])).toEqual([
      'eventId',
      'eventTime',
      'producer',
      'correlationId',
      'causationId',
    ]);
    expect(metadata.fields[1]?.['type']).toEqual({ type: 'long', logicalType: 'timestamp-millis' });
  });

  it('documents every field', () => {
    const undocumented = fieldsOf(schema).filter(
      ({ field }) => typeof field['doc'] !== 'string' || field['doc'] === '',
    );
    expect(undocumented.map((f) => f.path)).toEqual([]);
  });

  it('gives every nullable field null first and a null default, so adding one later stays compatible', () => {
    const bad = fieldsOf(schema).filter(({ field }) => {
      const type = field['type'];
      if (!Array.isArray(type) || !type.includes('null')) return false;
      return type[0] !== 'null' || field['default'] !== null;
    });
    expect(bad.map((f) => f.path)).toEqual([]);
  });
});

describe('generated code', () => {
  it('is up to date with schemas/*.avsc', () => {
    for (const file of generateFiles(files)) {
      expect(readFileSync(join(ROOT, file.path), 'utf8'), `${file.path} drifted: run npm run gen:types`).toBe(
        file.content,
      );
    }
  });

  it('lists a topic for every schema file', () => {
    expect([...EVENT_TOPICS]).toEqual(files.map((f) => f.fileName.replace(/\.avsc$/, '')).sort());
  });
});

describe('event encoding', () => {
  const types = createEventTypes();
  const fetched: SourceFetched = {
    metadata: {
      eventId: '0f6f7a52-8a55-4d5c-9f53-3c1f0c1f2a01',
      eventTime: 1_764_000_000_000,
      producer: 'fetcher/test',
      correlationId: '0f6f7a52-8a55-4d5c-9f53-3c1f0c1f2a01',
      causationId: null,
    },
    sourceId: 'gh-example-sub-txt',
    url: 'https://example.test/sub.txt',
    urlIndex: 0,
    finalUrl: 'https://example.test/sub.txt',
    redirects: 0,
    attempt: 1,
    remoteAddress: '203.0.113.7',
    outcome: 'ok',
    httpStatus: 200,
    errorCode: null,
    errorMessage: null,
    timings: { startedAt: 1_764_000_000_000, dnsMs: 3, connectMs: 20, ttfbMs: 80, totalMs: 120 },
    sizes: { wireBytes: 512, decodedBytes: 2048, truncated: false },
    headers: {
      etag: '"abc"',
      lastModified: null,
      contentType: 'text/plain; charset=utf-8',
      contentEncoding: 'gzip',
      contentLength: 512,
      subscriptionUserinfo: 'upload=0; download=1024; total=10737418240; expire=1767225600',
      profileUpdateInterval: '12',
      profileTitle: null,
      retryAfter: null,
    },
    requestEtag: null,
    requestLastModified: null,
    body: { compression: 'gzip', data: Buffer.from([0x1f, 0x8b, 0x08, 0x00]), sha256: 'a'.repeat(64) },
  };

  it('round-trips a fetch event, body bytes included', () => {
    const decoded = decodeEvent(
      types,
      'sources.fetched.v1',
      encodeEvent(types, 'sources.fetched.v1', fetched),
    );
    expect({ ...decoded }).toEqual(fetched);
    expect(Buffer.isBuffer(decoded.body?.data)).toBe(true);
  });

  it('names the offending field when an event does not match its schema', () => {
    const bad = { ...fetched, timings: { ...fetched.timings, totalMs: 1.5 } };
    expect(() => encodeEvent(types, 'sources.fetched.v1', bad)).toThrowError(InvalidEventError);
    try {
      encodeEvent(types, 'sources.fetched.v1', bad);
    } catch (error) {
      expect(error).toMatchObject({ code: 'EVENT_INVALID', paths: ['timings.totalMs'] });
    }
  });
});
