import type { ConfigCurrent, ConfigScored, ConfigSighting } from '../../generated/events.ts';
import type { ProxyConfig } from '../model/config.ts';
import { isProtocol } from '../model/protocol.ts';
import type { Protocol } from '../model/protocol.ts';
import { VERDICTS } from '../scoring/score-model.ts';
import { scoreOnScale } from '../scoring/score-points.ts';
import { countryOfNames } from './country.ts';

/** The score side of a config, from configs.scored.v1 (absent until a scorer runs). */
export interface ScoreInfo {
  /** 0 to 100, whatever scale the event was written on. */
  readonly score: number;
  /** working, failing or unprobed. */
  readonly verdict: string;
  /** Component values in [0, 1]; with `weights` they give each component's points. */
  readonly components: Readonly<Record<string, number>>;
  /** Shared between every score of one model (see createWeightsIntern). */
  readonly weights: Readonly<Record<string, number>>;
  readonly lastProbeOutcome: string | null;
  readonly lastProbeLatencyMs: number | null;
  readonly lastProbedAt: number | null;
}

/**
 * One served config as the read model holds it, in one form only: the parsed config, or, when
 * the log keeps the event in memory anyway (the embedded mode's in-process log), the event's own
 * canonical JSON string, parsed again where a render or a view needs the object (renders are
 * cached per state generation, so that is once per render, not per request). Measured at 75,000
 * configs: a parsed config costs less than its JSON string, so a copy is held as an object, and
 * a config the log holds costs the read model nothing. The fields filters and sorts read on
 * every entry are kept beside it. `compatible` caches, per target, whether the target's emitter
 * accepts the config (bit set = known, bit+1 set = accepted), so a limit counts only configs the
 * target can express without re-emitting them on every render.
 */
export interface ConfigEntry {
  readonly fingerprint: string;
  readonly fingerprintPolicy: string;
  /** Read it with `configOf`. */
  readonly config: ProxyConfig | string;
  readonly protocol: Protocol;
  readonly name: string;
  readonly sources: readonly ConfigSighting[];
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** From a flag in its names; null when none claims a country. */
  readonly country: string | null;
  compatible: number;
}

/** The entry's config as an object (validated when the entry was made). */
export function configOf(entry: ConfigEntry): ProxyConfig {
  return typeof entry.config === 'string' ? (JSON.parse(entry.config) as ProxyConfig) : entry.config;
}

export const ENTRY_PROBLEMS = {
  configNotJson: 'CONFIG_NOT_JSON',
  configNotProxy: 'CONFIG_NOT_PROXY',
  keyMismatch: 'KEY_MISMATCH',
} as const;
export type EntryProblem = (typeof ENTRY_PROBLEMS)[keyof typeof ENTRY_PROBLEMS];

/** Returns one shared instance per distinct string (source ids repeat across every config). */
export type Intern = (text: string) => string;

export function createIntern(): Intern {
  const pool = new Map<string, string>();
  return (text) => {
    const held = pool.get(text);
    if (held !== undefined) return held;
    pool.set(text, text);
    return text;
  };
}

const noIntern: Intern = (text) => text;

export interface EntryOptions {
  /** One shared instance per distinct string (source ids, policies, protocols). */
  readonly intern?: Intern;
  /**
   * The event stays in memory anyway (the in-process log of the embedded mode holds its
   * compacted topics whole): reference its sightings instead of copying them.
   */
  readonly valuesHeldByLog?: boolean;
}

/**
 * Reads a configs.current.v1 value into an entry; a value the API cannot serve is a problem
 * code. Strings that repeat are shared (source ids through `intern`, a sighting's name
 * with the config's own name when equal): at 100,000 configs this is a good part of the state's
 * memory.
 */
export function toConfigEntry(
  key: string | null,
  event: ConfigCurrent,
  { intern = noIntern, valuesHeldByLog = false }: EntryOptions = {},
): ConfigEntry | EntryProblem {
  if (key !== null && key !== event.fingerprint) return ENTRY_PROBLEMS.keyMismatch;
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.config);
  } catch {
    return ENTRY_PROBLEMS.configNotJson;
  }
  if (!isProxyConfig(parsed)) return ENTRY_PROBLEMS.configNotProxy;
  const name = parsed.name;
  const names = [name, ...event.sources.map((s) => s.name)];
  const sources: readonly ConfigSighting[] = valuesHeldByLog
    ? event.sources
    : event.sources.map((s) => ({
        sourceId: intern(s.sourceId),
        firstSeen: s.firstSeen,
        lastSeen: s.lastSeen,
        name: s.name === name ? name : s.name,
      }));
  return {
    fingerprint: event.fingerprint,
    fingerprintPolicy: intern(event.fingerprintPolicy),
    config: valuesHeldByLog ? event.config : parsed,
    protocol: intern(parsed.protocol) as Protocol,
    name,
    sources,
    firstSeen: event.firstSeen,
    lastSeen: event.lastSeen,
    country: countryOfNames(names),
    compatible: 0,
  };
}

/** Returns one shared weights object per model: every score of a model carries the same weights. */
export type WeightsIntern = (
  scoreModel: string,
  weights: Readonly<Record<string, number>>,
) => Readonly<Record<string, number>>;

export function createWeightsIntern(): WeightsIntern {
  const pool = new Map<string, Readonly<Record<string, number>>>();
  return (scoreModel, weights) => {
    // A model id fixes its weights; events without one key by content instead.
    const key = scoreModel === '' ? `=${JSON.stringify(weights)}` : scoreModel;
    const held = pool.get(key);
    if (held !== undefined) return held;
    const frozen = Object.freeze({ ...weights });
    pool.set(key, frozen);
    return frozen;
  };
}

const VERDICT_NAMES: readonly string[] = Object.values(VERDICTS);

/**
 * Reads a configs.scored.v1 value; scores of fraction-scale models (score-1) are brought onto
 * the 0-100 scale so one sort and one minScore hold across a topic written by two models.
 */
export function toScoreInfo(event: ConfigScored, internWeights: WeightsIntern): ScoreInfo {
  // The in-process log carries values as appended: defaulted fields the Avro codec would fill
  // in may be missing.
  const scoreModel = event.scoreModel ?? '';
  const components = event.components ?? {};
  const weights = internWeights(scoreModel, event.weights ?? {});
  return {
    score: scoreOnScale({ score: event.score, scoreModel, components, weights }),
    verdict: VERDICT_NAMES.find((v) => v === event.verdict) ?? VERDICTS.unprobed,
    components,
    weights,
    lastProbeOutcome: event.lastProbeOutcome,
    lastProbeLatencyMs: event.lastProbeLatencyMs,
    lastProbedAt: event.lastProbedAt,
  };
}

function isProxyConfig(value: unknown): value is ProxyConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['protocol'] === 'string' &&
    isProtocol(v['protocol']) &&
    typeof v['server'] === 'string' &&
    typeof v['port'] === 'number' &&
    typeof v['name'] === 'string'
  );
}
