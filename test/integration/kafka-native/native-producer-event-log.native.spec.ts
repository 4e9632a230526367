import { describeEventLogContract } from '../../contract/event-log.contract.ts';
import { describeRunProcessorContract } from '../../contract/run-processor.contract.ts';
import { nativeProducerFixture } from './native-fixture.ts';

// Opt-in (needs @confluentinc/kafka-javascript built for this Node, not a dependency yet):
// NODE_PATH=<dir with the built package> npx vitest run --config test/integration/kafka-native/vitest.native.config.ts
describeEventLogContract('kafka, librdkafka transactional writer', () => nativeProducerFixture());
describeRunProcessorContract('kafka, librdkafka transactional writer', () => nativeProducerFixture());
