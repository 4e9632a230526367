import { describe, expect, it } from 'vitest';
import { planReplay, ReplayPlanError } from '../../../services/cli/replay-plan.ts';

const base = { prefix: '', currentVersion: 'v1' } as const;

describe('replay plan', () => {
  it('replays everything in place: the parser from the beginning, the merger from its end, current reconciled', () => {
    const plan = planReplay({ ...base, target: 'all' });
    expect(plan.steps.map((s) => [s.kind, s.group, s.input, s.start, s.changelog])).toEqual([
      ['parser', 'parser', 'sources.fetched.v1', { kind: 'beginning' }, 'parser.sources.changelog.v1'],
      ['merger', 'merger', 'configs.observed.v1', { kind: 'end' }, 'merger.configs.changelog.v1'],
    ]);
    expect(plan.reconcileCurrent).toBe(true);
    expect(plan.topics.current).toBe('configs.current.v1');
  });

  it('builds a new generation beside the running one under new groups, still reading the raw topic', () => {
    const at = Date.UTC(2026, 0, 1);
    const plan = planReplay({ ...base, target: 'all', newVersion: 'v2', fromTimestamp: at });
    expect(plan.steps.map((s) => [s.group, s.input, s.start])).toEqual([
      ['parser-v2', 'sources.fetched.v1', { kind: 'timestamp', at }],
      ['merger-v2', 'configs.observed.v2', { kind: 'end' }],
    ]);
    expect(plan.topics.current).toBe('configs.current.v2');
    expect(plan.notes.join('\n')).toMatch(/SUBMERGE_TOPICS_VERSION=v2/);
    expect(plan.notes.join('\n')).toMatch(/not fetched since the timestamp/);
  });

  it('replays one processor alone, leaving the other and configs.current to it', () => {
    const parser = planReplay({ ...base, target: 'parser' });
    expect(parser.steps.map((s) => s.kind)).toEqual(['parser']);
    expect(parser.reconcileCurrent).toBe(false);
    const merger = planReplay({ ...base, target: 'merger', prefix: 'p.' });
    expect(merger.steps.map((s) => [s.group, s.input, s.start])).toEqual([
      ['p.merger', 'p.configs.observed.v1', { kind: 'beginning' }],
    ]);
    expect(merger.reconcileCurrent).toBe(true);
  });

  it('refuses to rebuild into the generation the services run on', () => {
    expect(() => planReplay({ ...base, target: 'all', newVersion: 'v1' })).toThrow(ReplayPlanError);
  });
});
