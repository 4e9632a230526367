import type { SourceCatalogEntry } from '../../generated/events.ts';
import { EMIT_TARGET_LIST, EMITTERS, shareLink } from '../emit/index.ts';
import { explainComponents } from '../scoring/score-points.ts';
import type { EmitTarget } from '../emit/index.ts';
import { configOf } from './config-entry.ts';
import type { ConfigEntry, ScoreInfo } from './config-entry.ts';
import { emitOptionsFor } from './render-subscription.ts';
import type { RenderSettings } from './render-subscription.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * One row of `GET /configs`: `score` (0 to 100) with what makes it up, so a list can explain
 * its order without a request per config.
 */
export function configSummary(entry: ConfigEntry, score: ScoreInfo | undefined) {
  const config = configOf(entry);
  return {
    fingerprint: entry.fingerprint,
    protocol: entry.protocol,
    server: config.server,
    port: config.port,
    name: entry.name,
    country: entry.country,
    sources: entry.sources.map((s) => s.sourceId),
    firstSeen: iso(entry.firstSeen),
    lastSeen: iso(entry.lastSeen),
    score: score?.score ?? null,
    verdict: score?.verdict ?? null,
    scoreComponents: score === undefined ? null : explainComponents(score.components, score.weights),
  };
}

export interface TargetCompatibility {
  readonly target: EmitTarget;
  readonly compatible: boolean;
  readonly code: string | null;
  readonly reason: string | null;
}

/** Per target: would the emitter write this config, and if not, why (the emitter's own report). */
export function compatibilityReport(entry: ConfigEntry, settings: RenderSettings): TargetCompatibility[] {
  const config = configOf(entry);
  return EMIT_TARGET_LIST.map((target) => {
    const result = EMITTERS[target]([config], emitOptionsFor(target, settings));
    const left = result.incompatible[0];
    return {
      target,
      compatible: result.emitted === 1,
      code: left?.code ?? null,
      reason: left?.reason ?? null,
    };
  });
}

/**
 * `GET /configs/:fingerprint`: the merged config, every source carrying it (with its tier), the
 * variants folded into it (the names each source published; identity ignores names), its score
 * and the per-target compatibility report.
 */
export function configDetail(
  entry: ConfigEntry,
  score: ScoreInfo | undefined,
  catalog: ReadonlyMap<string, SourceCatalogEntry>,
  settings: RenderSettings,
) {
  const byName = new Map<string, string[]>();
  for (const s of entry.sources) byName.set(s.name, [...(byName.get(s.name) ?? []), s.sourceId]);
  const config = configOf(entry);
  const written = shareLink(config);
  const link = typeof written === 'string' ? written : null;
  return {
    ...configSummary(entry, score),
    fingerprintPolicy: entry.fingerprintPolicy,
    config,
    link,
    sightings: entry.sources.map((s) => ({
      sourceId: s.sourceId,
      tier: catalog.get(s.sourceId)?.tier ?? null,
      name: s.name,
      firstSeen: iso(s.firstSeen),
      lastSeen: iso(s.lastSeen),
    })),
    variants: [...byName].map(([name, sources]) => ({ name, sources })),
    scoreDetail:
      score === undefined
        ? null
        : {
            score: score.score,
            verdict: score.verdict,
            components: explainComponents(score.components, score.weights),
            lastProbeOutcome: score.lastProbeOutcome,
            lastProbeLatencyMs: score.lastProbeLatencyMs,
            lastProbedAt: iso(score.lastProbedAt),
          },
    compatibility: compatibilityReport(entry, settings),
  };
}
