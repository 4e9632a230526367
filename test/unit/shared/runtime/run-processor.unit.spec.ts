import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import type { Processor } from '../../../../services/core/processing/processor.ts';
import { createInProcessEventLog } from '../../../../services/shared/bus/in-process-event-log.ts';
import type { InProcessEventLogOptions } from '../../../../services/shared/bus/in-process-event-log.ts';
import { partitionForKey } from '../../../../services/shared/bus/partition-for-key.ts';
import { createLogger } from '../../../../services/shared/logger.ts';
import {
  createProcessorMetrics,
  PROCESSOR_METRIC_NAMES,
} from '../../../../services/shared/metrics/processor-metrics.ts';
import type { EventLog } from '../../../../services/shared/runtime/event-log.ts';
import { runProcessor } from '../../../../services/shared/runtime/run-processor.ts';
import type { RunProcessorOptions } from '../../../../services/shared/runtime/run-processor.ts';
import { RUNTIME_ERROR_CODES } from '../../../../services/shared/runtime/runtime-error.ts';
import { readAll, WAIT, waitForCommittedToEnd } from '../../../contract/event-log-fixture.ts';
import { COUNTS_STORE, countProblems, runningCountProcessor } from '../../../contract/running-count.ts';
import type { CountOutput } from '../../../contract/running-count.ts';

const processor = runningCountProcessor({ name: 'count', input: 'in', output: 'out' });

async function setup(partitions: number, options: InProcessEventLogOptions = {}) {
  const log = createInProcessEventLog(options);
  await log.ensureTopics([
    { name: 'in', partitions, compacted: false },
    { name: 'out', partitions, compacted: false },
  ]);
  return log;
}

function options(
  log: EventLog,
  registry = new Registry(),
  extra: Partial<RunProcessorOptions> = {},
): RunProcessorOptions {
  return {
    log,
    group: 'count',
    transactionalId: 'count-0',
    logger: createLogger({ service: 'test', level: 'silent' }),
    metrics: createProcessorMetrics(registry, 'count'),
    maxBatchRecords: 10,
    retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 5 },
    ...extra,
  };
}

const inputs = (keys: number, perKey: number) =>
  Array.from({ length: keys * perKey }, (_, i) => ({ topic: 'in', key: `k${i % keys}`, value: { n: i } }));

const totals = (keys: number, perKey: number) =>
  new Map(Array.from({ length: keys }, (_, k) => [`k${k}`, perKey]));

async function counter(registry: Registry, name: string): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.reduce((sum, v) => sum + v.value, 0);
}

describe('runProcessor on the in-process bus', () => {
  it('retries a transaction that failed for a retriable reason, counting the abort, and duplicates nothing', async () => {
    let failures = 2;
    const log = await setup(1, {
      persistence: {
        onCommit: (commit) =>
          failures > 0 && commit.records.some((r) => r.topic === 'out')
            ? Promise.reject(new Error(`transient ${failures--}`))
            : Promise.resolve(),
      },
    });
    await log.append(inputs(2, 5));
    const registry = new Registry();
    const run = await runProcessor(processor, options(log, registry));
    await waitForCommittedToEnd(log, 'count', 'in');
    await run.stop();
    const outputs = (await readAll(log, 'out')).map((r) => r.value as CountOutput);
    expect(countProblems(outputs, totals(2, 5))).toEqual([]);
    expect(await counter(registry, PROCESSOR_METRIC_NAMES.transactionAborts)).toBe(2);
    expect(await counter(registry, PROCESSOR_METRIC_NAMES.retries)).toBe(2);
  });

  it('crashes with RETRIES_EXHAUSTED when a retriable failure outlasts the policy', async () => {
    const log = await setup(1, { persistence: { onCommit: () => Promise.reject(new Error('down')) } });
    log.load([
      {
        records: [{ topic: 'in', partition: 0, offset: '0', key: 'k', value: {}, timestamp: 0, headers: {} }],
        offsets: [],
      },
    ]);
    const run = await runProcessor(processor, options(log));
    await expect(run.done).rejects.toMatchObject({ code: RUNTIME_ERROR_CODES.retriesExhausted });
    expect(run.state()).toBe('failed');
  });

  it('stops in the middle of a backlog after finishing the transaction in flight, and the next run continues exactly once', async () => {
    let commits = 0;
    let openGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    // Commit 1 appends the inputs; commit 6 is the fifth transaction of the run, held until stop() is called.
    const log = await setup(2, {
      persistence: {
        async onCommit() {
          commits += 1;
          if (commits === 6) await gate;
        },
      },
    });
    await log.append(inputs(4, 250));
    const first = await runProcessor(processor, options(log));
    await vi.waitFor(() => expect(commits).toBe(6), WAIT);
    const stopping = first.stop();
    openGate();
    await stopping;
    const committed = [...(await log.committedOffsets('count', 'in')).values()].reduce(
      (s, o) => s + Number(o),
      0,
    );
    expect(committed).toBe(5 * 10);

    const second = await runProcessor(processor, options(log));
    await waitForCommittedToEnd(log, 'count', 'in');
    await second.stop();
    const outputs = (await readAll(log, 'out')).map((r) => r.value as CountOutput);
    expect(countProblems(outputs, totals(4, 250))).toEqual([]);
  });

  it('holds only the state of the partitions an instance owns', async () => {
    const log = await setup(4);
    await log.append(inputs(16, 3));
    const a = await runProcessor(processor, options(log));
    const b = await runProcessor(processor, options(log, new Registry(), { transactionalId: 'count-1' }));
    await waitForCommittedToEnd(log, 'count', 'in');
    await vi.waitFor(() => expect(a.partitions().length + b.partitions().length).toBe(4), WAIT);
    // Both own partitions now: new records make each restore and use only its own keys.
    await log.append(inputs(16, 1));
    await waitForCommittedToEnd(log, 'count', 'in');
    for (const run of [a, b]) {
      const keys = [...run.storeSnapshot(COUNTS_STORE).keys()];
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(run.partitions()).toContain(partitionForKey(key, 4));
    }
    await Promise.all([a.stop(), b.stop()]);
    const outputs = (await readAll(log, 'out')).map((r) => r.value as CountOutput);
    expect(countProblems(outputs, totals(16, 4))).toEqual([]);
  });

  it('refuses to start a stateful processor whose inputs are not co-partitioned', async () => {
    const log = await setup(2);
    await log.ensureTopics([{ name: 'other', partitions: 3, compacted: false }]);
    const joined: Processor = { ...processor, inputTopics: ['in', 'other'] };
    await expect(runProcessor(joined, options(log))).rejects.toMatchObject({
      code: RUNTIME_ERROR_CODES.partitionsMismatch,
    });
  });

  it('refuses a changelog whose partition count differs from the inputs', async () => {
    const log = await setup(2);
    await log.ensureTopics([{ name: 'count.counts.changelog.v1', partitions: 3, compacted: true }]);
    await expect(runProcessor(processor, options(log))).rejects.toMatchObject({
      code: RUNTIME_ERROR_CODES.partitionsMismatch,
    });
  });
});
