import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { changelogTopic } from '../../../../services/core/processing/processor.ts';
import type { Processor } from '../../../../services/core/processing/processor.ts';
import { createInProcessEventLog } from '../../../../services/shared/bus/in-process-event-log.ts';
import { createLogger } from '../../../../services/shared/logger.ts';
import { createProcessorMetrics } from '../../../../services/shared/metrics/processor-metrics.ts';
import type { EventLog } from '../../../../services/shared/runtime/event-log.ts';
import { runProcessor } from '../../../../services/shared/runtime/run-processor.ts';
import { readAll, waitForCommittedToEnd } from '../../../contract/event-log-fixture.ts';
import { COUNTS_STORE, countProblems, runningCountProcessor } from '../../../contract/running-count.ts';
import type { CountOutput } from '../../../contract/running-count.ts';

/** The running count with its store kept in its output topic: each output carries the new count. */
const counting = runningCountProcessor({ name: 'count', input: 'in', output: 'out' });
const outputBacked: Processor = {
  ...counting,
  outputStores: {
    [COUNTS_STORE]: { topic: 'out', restore: (value) => (value as CountOutput).count },
  },
};

async function setup(): Promise<EventLog> {
  const log = createInProcessEventLog();
  await log.ensureTopics([
    { name: 'in', partitions: 3, compacted: false },
    // Not compacted, so the test sees every count; a restore reads the latest per key either way.
    { name: 'out', partitions: 3, compacted: false },
  ]);
  return log;
}

const inputs = (keys: number, perKey: number) =>
  Array.from({ length: keys * perKey }, (_, i) => ({ topic: 'in', key: `k${i % keys}`, value: { n: i } }));

async function runToEnd(log: EventLog, processor: Processor): Promise<ReadonlyMap<string, unknown>> {
  const run = await runProcessor(processor, {
    log,
    group: 'count',
    transactionalId: 'count-0',
    logger: createLogger({ service: 'test', level: 'silent' }),
    metrics: createProcessorMetrics(new Registry(), 'count'),
    maxBatchRecords: 7,
  });
  await waitForCommittedToEnd(log, 'count', 'in');
  const state = run.storeSnapshot(COUNTS_STORE);
  await run.stop();
  return state;
}

describe('a store kept in the processor output topic', () => {
  it('writes no changelog record, and a restarted instance restores its state from the output topic', async () => {
    const log = await setup();
    await log.append(inputs(5, 6));
    await runToEnd(log, outputBacked);
    expect(await readAll(log, changelogTopic('count', COUNTS_STORE)).catch(() => [])).toEqual([]);

    await log.append(inputs(5, 3));
    const state = await runToEnd(log, outputBacked);
    const totals = new Map(Array.from({ length: 5 }, (_, k) => [`k${k}`, 9]));
    expect(Object.fromEntries(state)).toEqual(Object.fromEntries(totals));
    // Restored counts continue where the first run stopped: no count is repeated or skipped.
    const outputs = (await readAll(log, 'out')).map((r) => r.value as CountOutput);
    expect(countProblems(outputs, totals)).toEqual([]);
  });

  it('refuses an output topic whose partition count differs from the inputs', async () => {
    const log = createInProcessEventLog();
    await log.ensureTopics([
      { name: 'in', partitions: 3, compacted: false },
      { name: 'out', partitions: 2, compacted: true },
    ]);
    await expect(runToEnd(log, outputBacked)).rejects.toMatchObject({ code: 'PARTITIONS_MISMATCH' });
  });
});
