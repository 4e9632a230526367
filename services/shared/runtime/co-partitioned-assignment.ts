/**
 * Spreads partition numbers, not topic-partitions, over the members of a group: partition p of
 * every subscribed topic goes to the same member. A stateful processor's store for partition p
 * is fed by partition p of each of its inputs, so splitting them across members would let two
 * members write the same keys. Members are sorted so every member computes the same answer.
 */
export function assignCoPartitioned(
  memberIds: readonly string[],
  partitionsByTopic: ReadonlyMap<string, number>,
): Map<string, Map<string, number[]>> {
  const members = [...memberIds].sort();
  const assignment = new Map<string, Map<string, number[]>>(members.map((id) => [id, new Map()]));
  if (members.length === 0) return assignment;
  for (const [topic, count] of partitionsByTopic) {
    for (let partition = 0; partition < count; partition += 1) {
      const member = members[partition % members.length] ?? '';
      const topics = assignment.get(member);
      if (topics === undefined) continue;
      const list = topics.get(topic) ?? [];
      list.push(partition);
      topics.set(topic, list);
    }
  }
  return assignment;
}
