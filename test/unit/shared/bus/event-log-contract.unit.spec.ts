import { describeEventLogContract } from '../../../contract/event-log.contract.ts';
import { inProcessFixture } from './in-process-fixture.ts';

describeEventLogContract('in-process bus', () => inProcessFixture());
