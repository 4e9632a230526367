import { AssignerProtocol } from 'kafkajs';
import type { PartitionAssigner } from 'kafkajs';
import { assignCoPartitioned } from '../runtime/co-partitioned-assignment.ts';

export const CO_PARTITIONED_ASSIGNER_NAME = 'SubmergeCoPartitioned';

/**
 * A kafkajs partition assigner that gives partition p of every subscribed topic to the same
 * member (kafkajs' round-robin spreads topic-partitions independently, which would split a
 * stateful processor's co-partitioned inputs across members).
 */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: CO_PARTITIONED_ASSIGNER_NAME,
  version: 0,
  assign({ members, topics }) {
    const partitionsByTopic = new Map(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).length]));
    const plan = assignCoPartitioned(
      members.map((m) => m.memberId),
      partitionsByTopic,
    );
    return Promise.resolve(
      [...plan].map(([memberId, byTopic]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: Object.fromEntries(byTopic),
          userData: Buffer.alloc(0),
        }),
      })),
    );
  },
  protocol({ topics }) {
    return {
      name: CO_PARTITIONED_ASSIGNER_NAME,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});
