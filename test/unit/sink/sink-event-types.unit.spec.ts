import { describe, expect, it } from 'vitest';
import { createEventTypes } from '../../../services/shared/events/event-types.ts';
import { sinkEventTypes } from '../../../services/sink/sink-event-types.ts';
import { fetched, fp, observed, scored } from '../../integration/sink/event-builders.ts';

describe("the sink's reader schemas", () => {
  const full = createEventTypes();
  const sink = sinkEventTypes();

  it('read a fetch without its body bytes but with the body hash and compression', () => {
    const event = fetched('f', 'src-a', Date.UTC(2026, 0, 1));
    const decoded = sink['sources.fetched.v1'].fromBuffer(
      full['sources.fetched.v1'].toBuffer(event),
      sink['sources.fetched.v1'].createResolver(full['sources.fetched.v1']),
    ) as typeof event;
    expect(decoded.body).toEqual({ compression: 'identity', sha256: 'ab'.repeat(32) });
    expect({ ...decoded, body: null }).toEqual({ ...event, body: null });
  });

  it('read an observation without its config JSON, every other field intact', () => {
    const event = observed('o', fp('x'), 'src-a', Date.UTC(2026, 0, 1));
    const decoded = sink['configs.observed.v1'].fromBuffer(
      full['configs.observed.v1'].toBuffer(event),
      sink['configs.observed.v1'].createResolver(full['configs.observed.v1']),
    ) as Record<string, unknown>;
    const { config: _dropped, ...rest } = event;
    expect(decoded).toEqual(rest);
  });

  it('read a score without its config JSON, every other field intact', () => {
    const event = scored('s', fp('x'), Date.UTC(2026, 0, 1), {
      vantages: [
        {
          vantage: 'eu-1',
          reachability: 1,
          latencyMs: 10,
          confidence: 1,
          probes: 1,
          lastOutcome: 'ok',
          lastProbedAt: 1,
        },
      ],
    });
    const decoded = sink['configs.scored.v1'].fromBuffer(
      full['configs.scored.v1'].toBuffer(event),
      sink['configs.scored.v1'].createResolver(full['configs.scored.v1']),
    ) as Record<string, unknown>;
    const { config: _dropped, ...rest } = event;
    expect(decoded).toEqual(rest);
  });

  it('leave every other topic as its contract', () => {
    expect(sink['configs.current.v1'].equals(full['configs.current.v1'])).toBe(true);
    expect(sink['sources.snapshots.v1'].equals(full['sources.snapshots.v1'])).toBe(true);
  });
});
