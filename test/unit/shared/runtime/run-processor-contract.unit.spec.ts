import { describeRunProcessorContract } from '../../../contract/run-processor.contract.ts';
import { inProcessFixture } from '../bus/in-process-fixture.ts';

describeRunProcessorContract('in-process bus', () => inProcessFixture());
