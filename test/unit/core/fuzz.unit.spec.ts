import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzInputArb } from '../../helpers/format-fuzz.ts';
import { checkBody } from '../../helpers/format-invariants.ts';
import { listCorpusFiles, loadFuzzSeeds } from '../../helpers/fuzz-seeds.ts';
import { configArb } from '../../helpers/model-arbitraries.ts';
import { EMITTERS } from '../../helpers/format-invariants.ts';

// A bounded slice of `npm run fuzz:formats` (which runs >= 1,000,000 cases with a hang
// watchdog). fast-check prints the seed and path of any failure for replay.
const seeds = loadFuzzSeeds();

describe('format core under fuzzing', () => {
  it('never throws and only yields valid, fingerprintable configs on random and mutated bodies', () => {
    fc.assert(
      fc.property(fuzzInputArb(seeds), fc.nat(9), (input, n) => {
        checkBody(input, { reemit: n === 0 });
      }),
      { numRuns: 1500 },
    );
  });

  it('survives mutated emitter output for every target', () => {
    const targets = Object.entries(EMITTERS);
    fc.assert(
      fc.property(
        fc.array(configArb, { minLength: 1, maxLength: 4 }),
        fc.nat(targets.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 4 }),
        (configs, t, edits) => {
          const [, emit] = targets[t] ?? [];
          if (emit === undefined) return;
          let output = emit(configs).output;
          for (const [at, text] of edits) {
            const i = output.length === 0 ? 0 : at % output.length;
            output = output.slice(0, i) + text + output.slice(i + 1);
          }
          checkBody(output);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('parses every corpus file whole, and every target re-reads what it emitted from it', () => {
    let configs = 0;
    for (const file of listCorpusFiles()) configs += checkBody(file.body, { reemit: true });
    expect(configs).toBeGreaterThan(10_000);
  }, 120_000);
});
