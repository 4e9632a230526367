import { configJson } from '../../services/core/processors/config-json.ts';
import { dedupe } from '../../services/core/dedupe.ts';
import { parseSubscription } from '../../services/core/formats/parse-subscription.ts';
import { DEFAULT_FINGERPRINT_POLICY } from '../../services/core/identity/fingerprint-policy.ts';
import type { FingerprintPolicy } from '../../services/core/identity/fingerprint-policy.ts';
import type { ConfigCurrent } from '../../services/generated/events.ts';
import { listCorpusFiles } from './fuzz-seeds.ts';

/** A subscription source of the pipeline proofs: an id and the body it serves. */
export interface FixtureSource {
  readonly id: string;
  readonly body: Buffer;
}

/** Every file of the shared corpus (../shared/corpus) as one source, id derived from its path. */
export function corpusSources(): FixtureSource[] {
  return listCorpusFiles().map((file) => ({
    id: file.relative
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 90),
    body: file.body,
  }));
}

/** What configs.current must hold for one fingerprint, computed without the processors. */
export interface ExpectedConfig {
  /** Source id -> canonical JSON of the variant that source carries (its first occurrence). */
  readonly variants: ReadonlyMap<string, string>;
}

/**
 * The merged set the pipeline must converge to, from the format core alone: each source's body
 * parsed with parseSubscription and folded with dedupe, then grouped by fingerprint across sources.
 */
export function expectedMerged(
  sources: readonly FixtureSource[],
  policy: FingerprintPolicy = DEFAULT_FINGERPRINT_POLICY,
): Map<string, ExpectedConfig> {
  const out = new Map<string, Map<string, string>>();
  for (const source of sources) {
    const parsed = parseSubscription(source.body);
    const { groups } = dedupe(parsed.configs, { policy });
    for (const group of groups) {
      const variants = out.get(group.fingerprint) ?? new Map<string, string>();
      variants.set(source.id, configJson(group.representative.config));
      out.set(group.fingerprint, variants);
    }
  }
  return new Map([...out].map(([fp, variants]) => [fp, { variants }]));
}

/**
 * Differences between a materialized configs.current and the expected set: missing and
 * unexpected fingerprints, wrong source sets, and a merged config that is not the variant of
 * the longest-standing source (ties: lowest source id). Empty when they agree.
 */
export function currentProblems(
  current: ReadonlyMap<string, ConfigCurrent>,
  expected: ReadonlyMap<string, ExpectedConfig>,
): string[] {
  const problems: string[] = [];
  for (const fp of expected.keys()) if (!current.has(fp)) problems.push(`missing ${fp}`);
  for (const [fp, value] of current) {
    const want = expected.get(fp);
    if (want === undefined) {
      problems.push(`unexpected ${fp} (${value.sources.map((s) => s.sourceId).join(',')})`);
      continue;
    }
    const got = value.sources.map((s) => s.sourceId);
    const wantSources = [...want.variants.keys()].sort();
    if (got.join(',') !== wantSources.join(','))
      problems.push(`${fp}: sources ${got.join(',')} != ${wantSources.join(',')}`);
    const rep = [...value.sources].sort(
      (a, b) => a.firstSeen - b.firstSeen || (a.sourceId < b.sourceId ? -1 : 1),
    )[0];
    if (rep !== undefined && want.variants.get(rep.sourceId) !== value.config)
      problems.push(`${fp}: config is not ${rep.sourceId}'s variant`);
  }
  return problems;
}
