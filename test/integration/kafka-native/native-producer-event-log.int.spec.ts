import { describeEventLogContract } from '../../contract/event-log.contract.ts';
import { describeRunProcessorContract } from '../../contract/run-processor.contract.ts';
import { nativeProducerFixture } from './native-fixture.ts';

// The addon is built for the project's Node by infra/local (components/librdkafka.sh); the
// integration globalSetup fails the run when it does not load.
describeEventLogContract('kafka, librdkafka transactional writer', () => nativeProducerFixture());
describeRunProcessorContract('kafka, librdkafka transactional writer', () => nativeProducerFixture());
