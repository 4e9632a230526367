import { describe, expect, it } from 'vitest';
import {
  embeddedRetention,
  embeddedTopology,
  retentionMsOf,
} from '../../../services/embedded/embedded-topics.ts';

describe('embedded topology', () => {
  const topology = embeddedTopology({ prefix: '', version: 'v1' });
  const retention = embeddedRetention(topology);

  it('names every topic the pipeline, the intelligence, the sink and the read API use, once', () => {
    const names = topology.specs.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      'sources.catalog.v1',
      'sources.fetched.v1',
      'configs.observed.v1',
      'configs.current.v1',
      'configs.scored.v1',
      'sources.health.v1',
      'configs.probed.v1',
      'read-api.keys.v1',
      'parser.sources.changelog.v1',
      'merger.configs.changelog.v1',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('keeps raw fetches in memory for the parser, the detector and the sink until all committed past them', () => {
    expect(new Set(retention('sources.fetched.v1').durableGroups)).toEqual(
      new Set([topology.groups.parser, topology.groups.detector, topology.groups.sink]),
    );
    expect(new Set(retention('configs.current.v1').durableGroups)).toEqual(
      new Set([topology.groups.scorer, topology.groups.sink]),
    );
    expect(retention('sources.snapshots.v1').latestPerKey).toBe(true);
    expect(retention('parser.sources.changelog.v1').durableGroups).toEqual([]);
  });

  it('stores records for the retention the topic catalogue gives (raw: 30 days), compacted ones without', () => {
    const ms = retentionMsOf(topology.specs);
    expect(ms('sources.fetched.v1')).toBe(30 * 24 * 3_600_000);
    expect(ms('configs.current.v1')).toBeUndefined();
  });
});
