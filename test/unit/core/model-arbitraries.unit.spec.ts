import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_LIST } from '../../../services/core/model/index.ts';
import { normalizeHost } from '../../../services/core/identity/normalize-host.ts';
import { validateConfig } from '../../../services/core/validate/validate-config.ts';
import { CONFIG_ARBITRARIES, configArb } from '../../helpers/model-arbitraries.ts';

function hasUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(hasUndefined);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasUndefined);
  return false;
}

describe('model arbitraries', () => {
  it('cover every protocol of the model', () => {
    expect(Object.keys(CONFIG_ARBITRARIES).sort()).toEqual([...PROTOCOL_LIST].sort());
  });

  it('generate canonical configs: normalised hosts, cleaned names, no undefined members', () => {
    fc.assert(
      fc.property(configArb, (config) => {
        expect(hasUndefined(config)).toBe(false);
        expect(normalizeHost(config.server)).toBe(config.server);
        expect(config.name).toBe(config.name.normalize('NFC').trim());
      }),
      { numRuns: 2000 },
    );
  });

  // The round-trip tests compare against these configs, so they must be fixpoints of the
  // single validation gate: valid, and already in the form it returns.
  for (const protocol of PROTOCOL_LIST) {
    it(`generate ${protocol} configs that validateConfig accepts unchanged`, () => {
      fc.assert(
        fc.property(CONFIG_ARBITRARIES[protocol], (config) => {
          const outcome = validateConfig(config, {});
          expect(outcome.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          expect(outcome.config).toEqual(config);
        }),
        { numRuns: 300 },
      );
    });
  }
});
