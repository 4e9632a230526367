import { TOPICS } from '../../shared/events/topic-catalog.ts';

/** What the read model materializes, one kind per topic it reads. */
export const READ_TOPIC_KINDS = {
  current: 'current',
  scored: 'scored',
  health: 'health',
  catalog: 'catalog',
  snapshots: 'snapshots',
  presets: 'presets',
  presetAccesses: 'presetAccesses',
  apiKeys: 'apiKeys',
} as const;
export type ReadTopicKind = (typeof READ_TOPIC_KINDS)[keyof typeof READ_TOPIC_KINDS];

/** Topic name of each kind, plus the topics the read API only writes. */
export interface ReadApiTopics {
  readonly read: Readonly<Record<ReadTopicKind, string>>;
  readonly commands: string;
  readonly audit: string;
}

/**
 * The deployment's topic names. `prefix` isolates a test run on a shared broker; `currentTopic`
 * lets the API serve a rebuilt generation (configs.current.v2) while the rest stays put.
 */
export function readApiTopics({
  prefix = '',
  currentTopic,
}: { readonly prefix?: string; readonly currentTopic?: string } = {}): ReadApiTopics {
  const name = (n: string): string => `${prefix}${n}`;
  return {
    read: {
      current: currentTopic ?? name(TOPICS.configsCurrent.name),
      scored: name(TOPICS.configsScored.name),
      health: name(TOPICS.sourcesHealth.name),
      catalog: name(TOPICS.sourcesCatalog.name),
      snapshots: name(TOPICS.sourcesSnapshots.name),
      presets: name(TOPICS.readApiPresets.name),
      presetAccesses: name(TOPICS.readApiPresetAccesses.name),
      apiKeys: name(TOPICS.readApiKeys.name),
    },
    commands: name(TOPICS.sourcesCommands.name),
    audit: name(TOPICS.adminAudit.name),
  };
}

/** Kinds whose changes alter what a subscription renders (and so the cache generation). */
export const RENDER_AFFECTING_KINDS: ReadonlySet<ReadTopicKind> = new Set<ReadTopicKind>([
  READ_TOPIC_KINDS.current,
  READ_TOPIC_KINDS.scored,
  READ_TOPIC_KINDS.catalog,
]);
