import { createInProcessEventLog } from '../../../../services/shared/bus/in-process-event-log.ts';
import type { InProcessEventLogOptions } from '../../../../services/shared/bus/in-process-event-log.ts';
import { uniqueSuffix } from '../../../contract/event-log-fixture.ts';
import type { EventLogFixture } from '../../../contract/event-log-fixture.ts';

/** The contract suites' fixture over one in-process bus; `peer()` is the same bus, as in one process. */
export function inProcessFixture(options: InProcessEventLogOptions = {}): Promise<EventLogFixture> {
  const log = createInProcessEventLog(options);
  return Promise.resolve({
    log,
    async topic(prefix, partitions, { compacted = false } = {}) {
      const name = `${prefix}-${uniqueSuffix()}`;
      await log.ensureTopics([{ name, partitions, compacted }]);
      return name;
    },
    async namedTopic(name, partitions, { compacted = false } = {}) {
      await log.ensureTopics([{ name, partitions, compacted }]);
      return name;
    },
    group: (prefix) => `${prefix}-${uniqueSuffix()}`,
    peer: () => log,
    cleanup: () => log.close(),
  });
}
