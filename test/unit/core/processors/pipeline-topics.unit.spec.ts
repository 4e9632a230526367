import { describe, expect, it } from 'vitest';
import { changelogTopic, dlqTopic } from '../../../../services/core/processing/processor.ts';
import { createMerger } from '../../../../services/core/processors/merger.ts';
import { createParser } from '../../../../services/core/processors/parser.ts';
import {
  pipelineEventSpecs,
  pipelineTopics,
  processorName,
  processorTopicSpecs,
} from '../../../../services/core/processors/pipeline-topics.ts';
import { TOPICS } from '../../../../services/shared/events/topic-catalog.ts';

describe('pipeline topics', () => {
  it('names the first generation exactly as the topic catalogue does', () => {
    expect(pipelineTopics()).toMatchObject({
      catalog: TOPICS.sourcesCatalog.name,
      fetched: TOPICS.sourcesFetched.name,
      observed: TOPICS.configsObserved.name,
      snapshots: TOPICS.sourcesSnapshots.name,
      current: TOPICS.configsCurrent.name,
    });
    expect(processorName('parser', pipelineTopics())).toBe('parser');
  });

  it('versions only the derived topics, so every generation reads the one raw topic', () => {
    const v2 = pipelineTopics({ prefix: 't.', version: 'v2' });
    expect(v2).toMatchObject({
      catalog: 't.sources.catalog.v1',
      fetched: 't.sources.fetched.v1',
      observed: 't.configs.observed.v2',
      snapshots: 't.sources.snapshots.v2',
      current: 't.configs.current.v2',
    });
    expect(processorName('merger', v2)).toBe('t.merger-v2');
    expect(() => pipelineTopics({ version: 'v0' })).toThrow(RangeError);
  });

  it('gives each processor specs for exactly the topics its run loop touches, co-partitioned with its input', () => {
    const topics = pipelineTopics({ prefix: 'x.', version: 'v3' });
    for (const [kind, processor] of [
      ['parser', createParser({ topics })],
      ['merger', createMerger({ topics })],
    ] as const) {
      const specs = processorTopicSpecs(kind, topics);
      const names = specs.map((s) => s.name).sort();
      const expected = [
        ...processor.inputTopics,
        ...processor.outputTopics,
        ...processor.stores.map((s) => changelogTopic(processor.name, s)),
        dlqTopic(processor.name),
      ].sort();
      expect(names).toEqual(expected);
      const input = specs.find((s) => s.name === processor.inputTopics[0]);
      const changelog = specs.find((s) => s.name.endsWith('.changelog.v1'));
      expect(changelog?.partitions).toBe(input?.partitions);
      expect(changelog?.config['cleanup.policy']).toBe('compact');
    }
  });

  it('maps every event topic of a generation to its Avro contract', () => {
    const specs = pipelineEventSpecs(pipelineTopics({ version: 'v2' }));
    expect(Object.fromEntries(specs.map((s) => [s.name, s.schema]))).toEqual({
      'sources.catalog.v1': 'sources.catalog.v1',
      'sources.fetched.v1': 'sources.fetched.v1',
      'configs.observed.v2': 'configs.observed.v1',
      'sources.snapshots.v2': 'sources.snapshots.v1',
      'configs.current.v2': 'configs.current.v1',
    });
  });
});
