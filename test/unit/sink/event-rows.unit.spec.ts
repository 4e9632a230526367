import { describe, expect, it } from 'vitest';
import { nameBasedUuid } from '../../../services/shared/events/event-metadata.ts';
import {
  createTimeFormatter,
  currentChangeRow,
  fetchEventRow,
  isUuid,
  observationRow,
  SINK_DROP_REASONS,
  SINK_REJECT_CODES,
  snapshotRow,
} from '../../../services/sink/event-rows.ts';
import type { RecordPosition } from '../../../services/sink/event-rows.ts';
import { current, fetched, fp, observed, snapshot } from '../../integration/sink/event-builders.ts';

const AT = Date.UTC(2026, 2, 1, 12, 30, 15, 123);
const position = (key: string | null, offset = '42'): RecordPosition => ({
  topic: 'p.configs.current.v1',
  partition: 3,
  offset,
  timestamp: AT,
  key,
});
const time = createTimeFormatter();

describe('event rows', () => {
  it('writes DateTime64 text in UTC to the millisecond', () => {
    expect(time(AT)).toBe('2026-03-01 12:30:15.123');
    expect(time(0)).toBe('1970-01-01 00:00:00.000');
  });

  it('maps a fetch without its body, keeping the body hash, and empty strings for absent headers', () => {
    const result = fetchEventRow(fetched('f1', 'src-a', AT, { totalMs: 123 }), position('src-a'), time);
    expect(result.kind).toBe('row');
    if (result.kind !== 'row') return;
    expect(result.row).toMatchObject({
      event_id: nameBasedUuid('f1'),
      fetched_at: '2026-03-01 12:30:15.123',
      source_id: 'src-a',
      outcome: 'ok',
      http_status: 200,
      total_ms: 123,
      dns_ms: null,
      etag: '',
      body_sha256: 'ab'.repeat(32),
      body_compression: 'identity',
    });
    expect(Object.keys(result.row)).not.toContain('body');
    expect(JSON.stringify(result.row)).not.toContain('vless://body');
  });

  it('maps snapshot maps and observation columns as the tables declare them', () => {
    const s = snapshotRow(
      snapshot('s1', 'src-a', AT, { uniqueConfigs: 4, diagnostics: { INVALID_PORT: 2 } }),
      position('src-a'),
      time,
    );
    expect(s).toMatchObject({
      kind: 'row',
      row: { unique_configs: 4, diagnostics: { INVALID_PORT: 2 }, container: 'uri-list' },
    });
    const o = observationRow(
      observed('o1', fp('x'), 'src-a', AT, { presence: 'absent' }),
      position(fp('x')),
      time,
    );
    expect(o).toMatchObject({
      kind: 'row',
      row: { fingerprint: fp('x'), presence: 'absent', port: 443, origin_line: 1 },
    });
  });

  it('turns a tombstone of a compacted topic into a deletion row with an id stable across redelivery', () => {
    const first = currentChangeRow(null, position(fp('c')), time);
    const again = currentChangeRow(null, position(fp('c')), time);
    const later = currentChangeRow(null, position(fp('c'), '43'), time);
    expect(first).toEqual(again);
    expect(first).toMatchObject({
      kind: 'row',
      row: { fingerprint: fp('c'), deleted: true, event_time: time(AT) },
    });
    expect(
      first.kind === 'row' && later.kind === 'row' && first.row['event_id'] !== later.row['event_id'],
    ).toBe(true);
    expect(currentChangeRow(null, position(null), time)).toMatchObject({
      kind: 'reject',
      code: SINK_REJECT_CODES.tombstoneWithoutKey,
    });
    expect(currentChangeRow(current('c1', fp('c'), ['b', 'a'], AT), position(fp('c')), time)).toMatchObject({
      kind: 'row',
      row: { deleted: false, source_ids: ['b', 'a'] },
    });
  });

  it('drops a null value on an event topic', () => {
    expect(fetchEventRow(null, position('src-a'), time)).toEqual({
      kind: 'drop',
      reason: SINK_DROP_REASONS.tombstoneOnEventTopic,
    });
  });

  it('rejects an event whose id is not a UUID, or a value that is not the record, instead of throwing', () => {
    const bad = {
      ...fetched('f1', 'src-a', AT),
      metadata: { ...fetched('f1', 'src-a', AT).metadata, eventId: 'not-a-uuid' },
    };
    expect(fetchEventRow(bad, position('src-a'), time)).toMatchObject({
      kind: 'reject',
      code: SINK_REJECT_CODES.invalidEventId,
    });
    const broken = { metadata: fetched('f1', 'src-a', AT).metadata } as unknown as Parameters<
      typeof fetchEventRow
    >[0];
    expect(fetchEventRow(broken, position('src-a'), time)).toMatchObject({
      kind: 'reject',
      code: SINK_REJECT_CODES.invalidEvent,
    });
    expect(fetchEventRow({} as Parameters<typeof fetchEventRow>[0], position('src-a'), time)).toMatchObject({
      kind: 'reject',
      code: SINK_REJECT_CODES.invalidEvent,
    });
  });

  it('recognises UUIDs exactly', () => {
    expect(isUuid(nameBasedUuid('x'))).toBe(true);
    expect(isUuid('A3482E88-686A-4A58-8126-99C9DF64B7BF')).toBe(true);
    for (const bad of [
      '',
      'a3482e88686a4a58812699c9df64b7bf',
      'a3482e88-686a-4a58-8126-99c9df64b7bg',
      'a3482e88-686a-4a58-8126_99c9df64b7bf',
      42,
    ]) {
      expect(isUuid(bad), String(bad)).toBe(false);
    }
  });
});
