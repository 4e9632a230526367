import { describeEventLogContract } from '../../contract/event-log.contract.ts';
import { describeRunProcessorContract } from '../../contract/run-processor.contract.ts';
import { embeddedFixture } from './embedded-fixture.ts';

// The embedded log is the in-process bus plus the chDB store: it must keep every promise of the port.
describeEventLogContract('embedded (in-process bus stored in chDB)', () => embeddedFixture());
describeRunProcessorContract('embedded (in-process bus stored in chDB)', () => embeddedFixture());
