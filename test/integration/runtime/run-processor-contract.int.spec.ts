import { describeRunProcessorContract } from '../../contract/run-processor.contract.ts';
import { kafkaFixture } from './kafka-fixture.ts';

describeRunProcessorContract('kafka', () => kafkaFixture());
