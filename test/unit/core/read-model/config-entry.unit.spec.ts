import { describe, expect, it } from 'vitest';
import { configOf, toConfigEntry } from '../../../../services/core/read-model/config-entry.ts';
import { createReadState } from '../../../../services/core/read-model/read-state.ts';
import { currentEvent, syntheticConfig } from '../../read-api/read-fixtures.ts';

describe('config entries', () => {
  it('hold a parsed copy of the config, or the event’s own JSON string when the log holds the event', () => {
    const config = syntheticConfig(7);
    const event = currentEvent(config, [{ sourceId: 'a' }, { sourceId: 'b', name: 'other name' }]);
    const copied = toConfigEntry(event.fingerprint, event);
    const shared = toConfigEntry(event.fingerprint, event, { valuesHeldByLog: true });
    if (typeof copied === 'string' || typeof shared === 'string') throw new Error('rejected');
    expect(copied.config).toEqual(JSON.parse(event.config));
    expect(shared.config).toBe(event.config);
    for (const entry of [copied, shared]) {
      expect(configOf(entry)).toEqual(JSON.parse(event.config));
      expect(entry.protocol).toBe(config.protocol);
      expect(entry.name).toBe(config.name);
    }
  });

  it('reference the event’s sightings when the log holds its values, and copy them otherwise', () => {
    const event = currentEvent(syntheticConfig(3), [{ sourceId: 'a' }]);
    const shared = createReadState({ valuesHeldByLog: true });
    const copied = createReadState();
    shared.apply('current', event.fingerprint, event);
    copied.apply('current', event.fingerprint, event);
    expect(shared.config(event.fingerprint)?.sources).toBe(event.sources);
    expect(copied.config(event.fingerprint)?.sources).not.toBe(event.sources);
    expect(copied.config(event.fingerprint)?.sources).toEqual(
      event.sources.map(({ sourceId, firstSeen, lastSeen, name }) => ({
        sourceId,
        firstSeen,
        lastSeen,
        name,
      })),
    );
  });
});
