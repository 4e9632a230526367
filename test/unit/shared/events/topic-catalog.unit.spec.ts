import { describe, expect, it } from 'vitest';
import { EVENT_TOPICS } from '../../../../services/generated/events.ts';
import { changelogTopic, dlqTopic } from '../../../../services/core/processing/processor.ts';
import {
  changelogSpec,
  dlqSpec,
  RAW_MAX_MESSAGE_BYTES,
  TOPICS,
  topicSpecs,
  valueSubject,
} from '../../../../services/shared/events/topic-catalog.ts';

const specs = topicSpecs();

describe('topic catalogue', () => {
  it('has exactly one topic per Avro contract, named like its schema', () => {
    const withSchema = specs.filter((s) => s.schema !== null);
    expect(withSchema.map((s) => s.name).sort()).toEqual([...EVENT_TOPICS].sort());
    for (const spec of withSchema) expect(spec.name).toBe(spec.schema);
  });

  it('has unique names', () => {
    expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
  });

  it('compacts exactly the current-state topics', () => {
    const compacted = specs.filter((s) => s.config['cleanup.policy'] === 'compact').map((s) => s.name);
    expect(compacted.sort()).toEqual([
      'configs.current.v1',
      'configs.scored.v1',
      'read-api.keys.v1',
      'read-api.preset-accesses.v1',
      'read-api.presets.v1',
      'sources.catalog.v1',
      'sources.health.v1',
    ]);
  });

  it('gives every delete-policy topic an explicit retention and every compacted one a tombstone retention', () => {
    for (const spec of specs) {
      if (spec.config['cleanup.policy'] === 'delete')
        expect(spec.config['retention.ms'], spec.name).toMatch(/^\d+$/);
      else expect(spec.config['delete.retention.ms'], spec.name).toMatch(/^\d+$/);
    }
  });

  it('co-partitions topics that share a key, so processors can keep state per partition', () => {
    const bySourceId = new Set(specs.filter((s) => s.key === 'sourceId').map((s) => s.partitions));
    const byFingerprint = new Set(specs.filter((s) => s.key === 'fingerprint').map((s) => s.partitions));
    expect(bySourceId.size).toBe(1);
    expect(byFingerprint.size).toBe(1);
  });

  it('lets the raw topic carry bodies far above the broker default of 1 MiB', () => {
    expect(TOPICS.sourcesFetched.config['max.message.bytes']).toBe(String(RAW_MAX_MESSAGE_BYTES));
    expect(RAW_MAX_MESSAGE_BYTES).toBeGreaterThanOrEqual(8 * 1024 * 1024);
  });

  it('names DLQs and changelogs the way the processor contract does', () => {
    expect(dlqSpec('parser', 6).name).toBe(dlqTopic('parser'));
    expect(TOPICS.dlqParser.name).toBe(dlqTopic('parser'));
    expect(changelogSpec('parser', 'snapshots', TOPICS.sourcesFetched).name).toBe(
      changelogTopic('parser', 'snapshots'),
    );
  });

  it('partitions a changelog like its input and compacts it without delay', () => {
    const changelog = changelogSpec('merger', 'sources', TOPICS.configsObserved);
    expect(changelog.partitions).toBe(TOPICS.configsObserved.partitions);
    expect(changelog.key).toBe('fingerprint');
    expect(changelog.config).toMatchObject({ 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0' });
  });

  it('renames every topic with a prefix but keeps its schema and settings', () => {
    const prefixed = topicSpecs({ prefix: 'test-1.' });
    expect(prefixed.map((s) => s.name)).toEqual(specs.map((s) => `test-1.${s.name}`));
    expect(prefixed.map((s) => [s.schema, s.partitions, s.config])).toEqual(
      specs.map((s) => [s.schema, s.partitions, s.config]),
    );
  });

  it('uses the TopicNameStrategy subject for values', () => {
    expect(valueSubject('sources.fetched.v1')).toBe('sources.fetched.v1-value');
  });
});
