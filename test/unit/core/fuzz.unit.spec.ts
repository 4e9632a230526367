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

  // Found by fuzz:formats: the share-link gate accepts an empty hysteria2 / tuic password,
  // the Clash and sing-box readers refuse the same config, so a subscription changes size
  // when converted. One gate (validateConfig) should decide for every container.
  it.each([
    'hysteria2://h.example.com:443',
    'tuic://ca58b165-0f7d-49aa-9fae-a017e8a0f884:@t.example.com:443',
  ])('reads back from every target a config the link parser accepted: %s', (link) => {
    expect(() => checkBody(link, { reemit: true })).not.toThrow();
  });

  // Found by fuzz:formats: a string body may hold lone UTF-16 surrogates (bytes never do:
  // UTF-8 decoding replaces them). The gate lets them into credentials and paths, then the
  // share-link emitter throws URIError from encodeURIComponent.
  it.each([
    'naive+https://a\ud800:p@n.example.com:443',
    'trojan://p\udc00@t.example.com:443',
    'vless://ca58b165-0f7d-49aa-9fae-a017e8a0f884@v.example.com:443?type=ws&path=/\ud800#x',
  ])('never throws on lone surrogates in a string body: %j', (body) => {
    expect(() => checkBody(body, { reemit: true })).not.toThrow();
  });
});
