import { randomUUID } from 'node:crypto';
import type {
  AdminAction,
  ApiKey,
  EventMetadata,
  PresetAccessCount,
  SourceCatalogEntry,
  SourceCommand,
  SubscriptionPreset,
} from '../generated/events.ts';
import type { EventLog } from '../shared/runtime/event-log.ts';
import { presetAccessKey } from '../core/read-model/read-state.ts';
import type { ReadState } from '../core/read-model/read-state.ts';
import { READ_TOPIC_KINDS } from '../core/read-model/read-topics.ts';
import type { ReadApiTopics } from '../core/read-model/read-topics.ts';
import { ApiError } from './errors.ts';

/**
 * Everything the read API writes, as events on the log (never files): catalog changes,
 * commands, presets, access counts, keys and the audit trail. Writes to topics this instance
 * also reads are applied to the local state as soon as the log accepted them, so a client sees
 * its own write on the replica it talked to; other replicas see it when their consumer does.
 */
export interface Publisher {
  metadata(options?: { readonly correlationId?: string }): EventMetadata;
  catalogEntry(entry: SourceCatalogEntry): Promise<void>;
  command(key: string, command: SourceCommand): Promise<void>;
  preset(preset: SubscriptionPreset): Promise<void>;
  presetAccesses(count: PresetAccessCount): Promise<void>;
  apiKey(key: ApiKey): Promise<void>;
  audit(action: AdminAction): Promise<void>;
}

export interface PublisherOptions {
  readonly log: EventLog;
  readonly topics: ReadApiTopics;
  readonly state: ReadState;
  /** `read-api/<instance>`. */
  readonly producer: string;
  readonly now?: () => number;
  readonly newId?: () => string;
}

export function createPublisher({
  log,
  topics,
  state,
  producer,
  now = Date.now,
  newId = randomUUID,
}: PublisherOptions): Publisher {
  const append = async (topic: string, key: string, value: unknown): Promise<void> => {
    try {
      await log.append([{ topic, key, value }]);
    } catch (cause) {
      throw new ApiError('PUBLISH_FAILED', undefined, { topic }, { cause });
    }
  };
  return {
    metadata(options = {}) {
      const eventId = newId();
      return {
        eventId,
        eventTime: now(),
        producer,
        correlationId: options.correlationId ?? eventId,
        causationId: null,
      };
    },
    async catalogEntry(entry) {
      await append(topics.read.catalog, entry.id, entry);
      state.apply(READ_TOPIC_KINDS.catalog, entry.id, entry);
    },
    async command(key, command) {
      await append(topics.commands, key, command);
    },
    async preset(preset) {
      await append(topics.read.presets, preset.id, preset);
      state.apply(READ_TOPIC_KINDS.presets, preset.id, preset);
    },
    async presetAccesses(count) {
      const key = presetAccessKey(count.presetId, count.instance);
      await append(topics.read.presetAccesses, key, count);
    },
    async apiKey(key) {
      await append(topics.read.apiKeys, key.id, key);
      state.apply(READ_TOPIC_KINDS.apiKeys, key.id, key);
    },
    async audit(action) {
      await append(topics.audit, action.actor, action);
    },
  };
}
