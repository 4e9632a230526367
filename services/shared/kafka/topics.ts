import kafkajs from 'kafkajs';
import type { Admin } from 'kafkajs';
import type { TopicSpec } from '../events/topic-catalog.ts';

// kafkajs is CommonJS and Node's ESM loader does not detect this named export (vitest's does):
// read it off the default export so the module also loads in plain Node.
const { ConfigResourceTypes } = kafkajs;

/** A difference between a topic as it exists and as the catalogue describes it. */
export interface TopicDrift {
  readonly topic: string;
  /** `partitions` or a topic config name such as `cleanup.policy`. */
  readonly setting: string;
  readonly expected: string;
  /** null when the broker does not report the setting. */
  readonly actual: string | null;
}

export interface EnsureTopicsResult {
  readonly created: readonly string[];
  readonly existing: readonly string[];
  /**
   * Settings that differ on the broker. Reported, never changed: altering partitions
   * reshuffles keys and altering a cleanup policy can delete data, so fixing drift is a
   * deliberate operator action.
   */
  readonly drift: readonly TopicDrift[];
}

export interface EnsureTopicsOptions {
  /** -1 (default) lets the broker apply `default.replication.factor`. */
  readonly replicationFactor?: number;
  /** Broker-side timeout of each creation, ms. */
  readonly timeoutMs?: number;
}

/**
 * Creates the catalogue's missing topics with their partitions and configs, leaves existing
 * ones alone, and reports where existing topics drifted from the catalogue. Safe to run from
 * every service on every start, concurrently: a topic another instance created in between
 * counts as existing.
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  { replicationFactor = -1, timeoutMs = 30_000 }: EnsureTopicsOptions = {},
): Promise<EnsureTopicsResult> {
  const present = new Set(await admin.listTopics());
  const created: string[] = [];
  const existing: string[] = [];
  for (const spec of specs) {
    if (present.has(spec.name)) {
      existing.push(spec.name);
      continue;
    }
    // One topic per request: kafkajs reports "already exists" as `false` only when every
    // topic of a request already existed, and a concurrent starter may have created some.
    const didCreate = await admin.createTopics({
      topics: [
        {
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor,
          configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
        },
      ],
      // kafkajs' own wait gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
      // answers until the new topic's metadata has propagated; waitForTopics tolerates it.
      waitForLeaders: false,
      timeout: timeoutMs,
    });
    (didCreate ? created : existing).push(spec.name);
  }
  if (specs.length === 0) return { created, existing, drift: [] };
  // Also topics found "existing" because a concurrent starter just created them.
  await waitForTopics(
    admin,
    specs.map((s) => s.name),
    timeoutMs,
  );
  const drift = await findDrift(admin, specs);
  return { created, existing, drift };
}

/** Waits until every partition of `topics` has a leader, i.e. the topics accept records. */
export async function waitForTopics(
  admin: Admin,
  topics: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      const ready = metadata.topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (ready && metadata.topics.length === topics.length) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new TopicsNotReadyError(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`, {
    cause: lastError,
  });
}

export class TopicsNotReadyError extends Error {
  readonly code = 'TOPICS_NOT_READY';
  readonly retriable = true;
}

/** Compares partition counts and every config the catalogue sets with what the broker reports. */
export async function findDrift(admin: Admin, specs: readonly TopicSpec[]): Promise<TopicDrift[]> {
  const drift: TopicDrift[] = [];
  const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
  const partitionsOf = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: specs.map((spec) => ({
      type: ConfigResourceTypes.TOPIC,
      name: spec.name,
      configNames: Object.keys(spec.config),
    })),
  });
  const configsOf = new Map(
    described.resources.map((r) => [
      r.resourceName,
      new Map(r.configEntries.map((e) => [e.configName, e.configValue] as const)),
    ]),
  );
  for (const spec of specs) {
    const partitions = partitionsOf.get(spec.name);
    if (partitions !== spec.partitions) {
      drift.push({
        topic: spec.name,
        setting: 'partitions',
        expected: String(spec.partitions),
        actual: partitions === undefined ? null : String(partitions),
      });
    }
    const actual = configsOf.get(spec.name);
    for (const [setting, expected] of Object.entries(spec.config)) {
      const value = actual?.get(setting) ?? null;
      if (value !== expected) drift.push({ topic: spec.name, setting, expected, actual: value });
    }
  }
  return drift;
}
