import type { ConfigCurrent, ConfigObserved, ConfigSighting } from '../../generated/events.ts';
import { derivedMetadata } from '../../shared/events/event-metadata.ts';
import { isPresence, PRESENCES } from '../../shared/events/presence.ts';
import { dlq, drop, ok } from '../processing/outcome.ts';
import type { ProcessContext, Processor } from '../processing/processor.ts';
import type { InputRecord } from '../processing/record.ts';
import { settle, stateOfCurrent, variantOf } from './merger-state.ts';
import type { DraftSighting, MergedState } from './merger-state.ts';
import { MERGER_STORE, PROCESSOR_KINDS, processorName } from './pipeline-topics.ts';
import type { PipelineTopics } from './pipeline-topics.ts';

export const MERGER_DLQ_CODES = {
  invalidEvent: 'INVALID_OBSERVED_EVENT',
  keyMismatch: 'KEY_MISMATCH',
  /** A present observation without its config, or with one that is not JSON. */
  invalidConfig: 'INVALID_CONFIG',
} as const;

export const MERGER_DROP_REASONS = { tombstone: 'tombstone' } as const;

export const MERGER_PRODUCER = 'merger';

export interface MergerOptions {
  readonly topics: Pick<PipelineTopics, 'prefix' | 'version' | 'observed' | 'current'>;
  /**
   * Keep the state in configs.current itself rather than in a changelog (Processor.outputStores):
   * every state change is a current event of the same key in the same transaction, so a restore
   * reads configs.current, and each observation costs one record written instead of two. Needs
   * a log that keeps configs.current whole (Kafka compaction); the in-process bus drops what its
   * consumers have read, so it keeps the changelog.
   */
  readonly restoreFromCurrent?: boolean;
}

/**
 * configs.observed.v1 -> configs.current.v1 (compacted, key = fingerprint).
 *
 * State per fingerprint: the sources carrying it, each with its first/last seen times and its
 * variant. `present` adds or refreshes a source, `absent`/`expired` removes it; the merged event
 * carries the representative variant and every source, and a tombstone once none is left. The
 * event is the whole state (merger-state.ts), which is what lets it double as the changelog.
 *
 * The state is a function of the latest observation per (fingerprint, source), whatever the
 * interleaving of sources on the partition: observations of one source arrive in order, and one
 * older than what the state holds (a parser replayed in place) changes nothing. Nothing is
 * published when an observation changes nothing, so re-deliveries are silent.
 */
export function createMerger(options: MergerOptions): Processor<ConfigObserved> {
  const { topics, restoreFromCurrent = false } = options;
  const name = processorName(PROCESSOR_KINDS.merger, topics);

  return {
    name,
    inputTopics: [topics.observed],
    outputTopics: [topics.current],
    stores: [MERGER_STORE],
    ...(restoreFromCurrent
      ? {
          outputStores: {
            [MERGER_STORE]: {
              topic: topics.current,
              restore: (value: unknown) => stateOfCurrent(value as ConfigCurrent),
            },
          },
        }
      : {}),
    process(record: InputRecord<ConfigObserved>, context: ProcessContext) {
      const event = record.value;
      if (event === null) return drop(MERGER_DROP_REASONS.tombstone);
      if (!isObserved(event))
        return dlq(MERGER_DLQ_CODES.invalidEvent, 'value is not a configs.observed.v1 event');
      const fp = event.fingerprint;
      if (record.key !== fp)
        return dlq(MERGER_DLQ_CODES.keyMismatch, `key ${String(record.key)} is not the fingerprint ${fp}`);
      const store = context.store<MergedState>(MERGER_STORE);
      const before = store.get(fp);
      const held = before === undefined ? -1 : indexOfSource(before.sources, event.sourceId);
      const heldSighting = before?.sources[held];
      const at = event.fetchedAt;

      let sightings: DraftSighting[];
      if (event.presence === PRESENCES.present) {
        if (heldSighting !== undefined && at < heldSighting.lastSeen) return ok([]);
        const name = nameOf(event.config);
        if (name === undefined)
          return dlq(MERGER_DLQ_CODES.invalidConfig, `present observation of ${fp} without a JSON config`);
        const config = event.config as string;
        const sighting: DraftSighting = {
          sourceId: event.sourceId,
          firstSeen: heldSighting === undefined ? at : Math.min(heldSighting.firstSeen, at),
          lastSeen: at,
          name,
          variant: config,
        };
        if (
          heldSighting !== undefined &&
          before !== undefined &&
          heldSighting.firstSeen === sighting.firstSeen &&
          heldSighting.lastSeen === at &&
          heldSighting.name === name &&
          variantOf(heldSighting, before.config) === config
        )
          return ok([]);
        sightings = withSighting(before?.sources ?? [], held, sighting);
      } else {
        // An absence older than the sighting it would remove is history replayed: the newer fact stands.
        if (heldSighting === undefined || at < heldSighting.lastSeen) return ok([]);
        sightings = before?.sources.filter((_, i) => i !== held) ?? [];
      }

      const next = settle(before?.config, sightings);
      if (next === undefined) {
        return ok(
          [{ topic: topics.current, key: fp, value: null }],
          [{ store: MERGER_STORE, key: fp, value: null }],
        );
      }
      let firstSeen = Number.POSITIVE_INFINITY;
      let lastSeen = Number.NEGATIVE_INFINITY;
      for (const s of next.sources) {
        if (s.firstSeen < firstSeen) firstSeen = s.firstSeen;
        if (s.lastSeen > lastSeen) lastSeen = s.lastSeen;
      }
      const current: ConfigCurrent = {
        metadata: derivedMetadata(event.metadata, { producer: MERGER_PRODUCER, discriminator: 'current' }),
        fingerprint: fp,
        fingerprintPolicy: event.fingerprintPolicy,
        protocol: event.protocol,
        server: event.server,
        port: event.port,
        config: next.config,
        sources: next.sources,
        firstSeen,
        lastSeen,
      };
      return ok(
        [{ topic: topics.current, key: fp, value: current }],
        [{ store: MERGER_STORE, key: fp, value: next }],
      );
    },
  };
}

/** Index of the source's sighting in a list sorted by source id; -1 when absent. */
function indexOfSource(sources: readonly ConfigSighting[], sourceId: string): number {
  for (let i = 0; i < sources.length; i += 1) if (sources[i]?.sourceId === sourceId) return i;
  return -1;
}

/** The sorted list with the sighting at `held` replaced, or inserted in source-id order. */
function withSighting(
  sources: readonly ConfigSighting[],
  held: number,
  sighting: DraftSighting,
): DraftSighting[] {
  const out = [...sources];
  if (held >= 0) {
    out[held] = sighting;
    return out;
  }
  let i = 0;
  while (i < out.length && (out[i] as ConfigSighting).sourceId < sighting.sourceId) i += 1;
  out.splice(i, 0, sighting);
  return out;
}

/** The display name inside a config's JSON; undefined when the text is not a config object. */
function nameOf(config: string | null): string | undefined {
  if (config === null) return undefined;
  try {
    const parsed = JSON.parse(config) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const name = (parsed as Record<string, unknown>)['name'];
    return typeof name === 'string' ? name : '';
  } catch {
    return undefined;
  }
}

function isObserved(value: unknown): value is ConfigObserved {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const metadata = v['metadata'] as Record<string, unknown> | null | undefined;
  return (
    metadata !== null &&
    typeof metadata === 'object' &&
    typeof metadata['eventId'] === 'string' &&
    typeof v['fingerprint'] === 'string' &&
    typeof v['sourceId'] === 'string' &&
    typeof v['presence'] === 'string' &&
    isPresence(v['presence']) &&
    typeof v['protocol'] === 'string' &&
    typeof v['server'] === 'string' &&
    typeof v['port'] === 'number' &&
    typeof v['fetchedAt'] === 'number' &&
    (v['config'] === null || typeof v['config'] === 'string')
  );
}
