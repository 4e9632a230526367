import { describeEventLogContract } from '../../contract/event-log.contract.ts';
import { kafkaFixture } from './kafka-fixture.ts';

describeEventLogContract('kafka', () => kafkaFixture());
