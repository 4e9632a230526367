import type { ConfigCurrent, ConfigObserved } from '../../generated/events.ts';
import { derivedMetadata } from '../../shared/events/event-metadata.ts';
import { isPresence, PRESENCES } from '../../shared/events/presence.ts';
import { dlq, drop, ok } from '../processing/outcome.ts';
import type { ProcessContext, Processor } from '../processing/processor.ts';
import type { InputRecord } from '../processing/record.ts';
import { representative, sightingList } from './merger-state.ts';
import type { MergedState, Sighting } from './merger-state.ts';
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
}

/**
 * configs.observed.v1 -> configs.current.v1 (compacted, key = fingerprint).
 *
 * State per fingerprint: the sources carrying it, each with its first/last seen times and its
 * variant. `present` adds or refreshes a source, `absent`/`expired` removes it; the merged event
 * carries the representative variant and every source, and a tombstone once none is left.
 *
 * The state is a function of the latest observation per (fingerprint, source), whatever the
 * interleaving of sources on the partition: observations of one source arrive in order, and one
 * older than what the state holds (a parser replayed in place) changes nothing. Nothing is
 * published when an observation changes nothing, so re-deliveries are silent.
 */
export function createMerger(options: MergerOptions): Processor<ConfigObserved> {
  const { topics } = options;
  const name = processorName(PROCESSOR_KINDS.merger, topics);

  return {
    name,
    inputTopics: [topics.observed],
    outputTopics: [topics.current],
    stores: [MERGER_STORE],
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
      const held = before?.sightings[event.sourceId];
      const at = event.fetchedAt;

      let sightings: Record<string, Sighting>;
      if (event.presence === PRESENCES.present) {
        if (held !== undefined && at < held.lastSeen) return ok([]);
        const name = nameOf(event.config);
        if (name === undefined)
          return dlq(MERGER_DLQ_CODES.invalidConfig, `present observation of ${fp} without a JSON config`);
        const sighting: Sighting = {
          firstSeen: held === undefined ? at : Math.min(held.firstSeen, at),
          lastSeen: at,
          name,
          config: event.config as string,
        };
        if (held !== undefined && sameSighting(held, sighting)) return ok([]);
        sightings = { ...before?.sightings, [event.sourceId]: sighting };
      } else {
        // An absence older than the sighting it would remove is history replayed: the newer fact stands.
        if (held === undefined || at < held.lastSeen) return ok([]);
        sightings = { ...before?.sightings };
        delete sightings[event.sourceId];
      }

      const cause = derivedMetadata(event.metadata, { producer: MERGER_PRODUCER, discriminator: 'current' });
      const best = representative(sightings);
      if (best === undefined) {
        return ok(
          [{ topic: topics.current, key: fp, value: null }],
          [{ store: MERGER_STORE, key: fp, value: null }],
        );
      }
      const next: MergedState = {
        fingerprintPolicy: event.fingerprintPolicy,
        protocol: event.protocol,
        server: event.server,
        port: event.port,
        sightings,
      };
      const list = sightingList(sightings);
      const current: ConfigCurrent = {
        metadata: cause,
        fingerprint: fp,
        fingerprintPolicy: next.fingerprintPolicy,
        protocol: next.protocol,
        server: next.server,
        port: next.port,
        config: best[1].config,
        sources: list,
        firstSeen: Math.min(...list.map((s) => s.firstSeen)),
        lastSeen: Math.max(...list.map((s) => s.lastSeen)),
      };
      return ok(
        [{ topic: topics.current, key: fp, value: current }],
        [{ store: MERGER_STORE, key: fp, value: next }],
      );
    },
  };
}

function sameSighting(a: Sighting, b: Sighting): boolean {
  return (
    a.firstSeen === b.firstSeen && a.lastSeen === b.lastSeen && a.name === b.name && a.config === b.config
  );
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
