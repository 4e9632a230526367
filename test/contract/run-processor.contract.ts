import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { changelogTopic, dlqTopic } from '../../services/core/processing/processor.ts';
import type { Processor } from '../../services/core/processing/processor.ts';
import { createLogger } from '../../services/shared/logger.ts';
import {
  createProcessorMetrics,
  PROCESSOR_METRIC_NAMES,
} from '../../services/shared/metrics/processor-metrics.ts';
import { DLQ_HEADERS } from '../../services/shared/runtime/dlq-headers.ts';
import type { EventLog } from '../../services/shared/runtime/event-log.ts';
import { runProcessor } from '../../services/shared/runtime/run-processor.ts';
import type { ProcessorRun } from '../../services/shared/runtime/run-processor.ts';
import { latestByKey, readAll, uniqueSuffix, WAIT, waitForCommittedToEnd } from './event-log-fixture.ts';
import type { EventLogFixture, EventLogFixtureFactory } from './event-log-fixture.ts';
import { COUNTS_STORE, countProblems, runningCountProcessor } from './running-count.ts';
import type { CountOutput } from './running-count.ts';

interface CountSetup {
  readonly processor: Processor;
  readonly input: string;
  readonly output: string;
  readonly group: string;
}

/** Input, output, changelog and DLQ topics for one running-count processor with a unique name. */
async function countSetup(fx: EventLogFixture, partitions: number): Promise<CountSetup> {
  const name = `count-${uniqueSuffix()}`;
  const input = await fx.topic('count-in', partitions);
  const output = await fx.topic('count-out', partitions);
  await fx.namedTopic(changelogTopic(name, COUNTS_STORE), partitions, { compacted: true });
  await fx.namedTopic(dlqTopic(name), partitions);
  return { processor: runningCountProcessor({ name, input, output }), input, output, group: fx.group(name) };
}

function start(
  log: EventLog,
  processor: Processor,
  { group, instance, registry = new Registry() }: { group: string; instance: string; registry?: Registry },
): Promise<ProcessorRun> {
  return runProcessor(processor, {
    log,
    group,
    transactionalId: `${group}-${instance}`,
    logger: createLogger({ service: 'test', level: 'silent' }),
    metrics: createProcessorMetrics(registry, processor.name),
    maxBatchRecords: 7,
  });
}

/** `count` records per key, keys k0..k{keys-1}, interleaved. */
function countInputs(topic: string, keys: number, count: number, from = 0) {
  return Array.from({ length: keys * count }, (_, i) => ({
    topic,
    key: `k${i % keys}`,
    value: { n: from + Math.floor(i / keys) },
  }));
}

async function outputsOf(log: EventLog, topic: string): Promise<CountOutput[]> {
  return (await readAll(log, topic)).map((r) => r.value as CountOutput);
}

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  const values = (await metric?.get())?.values ?? [];
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

/**
 * The behaviour of the shared run loop, whatever log drives it. Called by the unit suite
 * (in-process bus) and the integration suite (Kafka with transactions).
 */
export function describeRunProcessorContract(adapter: string, createFixture: EventLogFixtureFactory): void {
  describe(`run loop contract: ${adapter}`, () => {
    let fx: EventLogFixture;
    const runs: ProcessorRun[] = [];

    beforeEach(async () => {
      fx = await createFixture();
    });

    afterEach(async () => {
      await Promise.allSettled(runs.splice(0).map((r) => r.stop()));
      await fx.cleanup();
    });

    it('processes every record exactly once, writes state changes to the changelog, and a restarted instance continues from the restored state', async () => {
      const s = await countSetup(fx, 3);
      await fx.log.append(countInputs(s.input, 5, 8));
      const first = await start(fx.log, s.processor, { group: s.group, instance: 'a' });
      runs.push(first);
      await waitForCommittedToEnd(fx.log, s.group, s.input);
      await first.stop();
      expect(first.state()).toBe('stopped');

      const totals = new Map(Array.from({ length: 5 }, (_, k) => [`k${k}`, 8]));
      expect(countProblems(await outputsOf(fx.log, s.output), totals)).toEqual([]);
      const changelog = await readAll(fx.log, changelogTopic(s.processor.name, COUNTS_STORE));
      expect(Object.fromEntries(latestByKey(changelog))).toEqual(Object.fromEntries(totals));
      // State changes of input partition p are written to changelog partition p.
      const inputs = await readAll(fx.log, s.input);
      const partitionOfKey = new Map(inputs.map((r) => [r.key, r.partition]));
      for (const r of changelog) expect(r.partition).toBe(partitionOfKey.get(r.key));

      await fx.log.append(countInputs(s.input, 5, 4, 8));
      const second = await start(fx.log, s.processor, { group: s.group, instance: 'a' });
      runs.push(second);
      await waitForCommittedToEnd(fx.log, s.group, s.input);
      await second.stop();

      const after = new Map([...totals].map(([k, n]) => [k, n + 4]));
      expect(countProblems(await outputsOf(fx.log, s.output), after)).toEqual([]);
      expect(
        Object.fromEntries(
          latestByKey(await readAll(fx.log, changelogTopic(s.processor.name, COUNTS_STORE))),
        ),
      ).toEqual(Object.fromEntries(after));
    });

    it('parks dlq outcomes with headers naming their origin, counts drops, and keeps the partition going', async () => {
      const s = await countSetup(fx, 1);
      const registry = new Registry();
      await fx.log.append([
        { topic: s.input, key: 'k', value: { n: 0 } },
        { topic: s.input, key: 'k', value: { poison: true }, headers: { 'x-origin': 'test' } },
        { topic: s.input, key: 'k', value: { n: 1 } },
        { topic: s.input, key: 'k', value: { skip: true } },
        { topic: s.input, key: null, value: { n: 2 } },
        { topic: s.input, key: 'k', value: { n: 3 } },
      ]);
      const run = await start(fx.log, s.processor, { group: s.group, instance: 'a', registry });
      runs.push(run);
      await waitForCommittedToEnd(fx.log, s.group, s.input);
      await run.stop();

      expect((await outputsOf(fx.log, s.output)).map((o) => o.count)).toEqual([1, 2, 3]);
      const parked = await readAll(fx.log, dlqTopic(s.processor.name));
      expect(parked.map((r) => r.headers[DLQ_HEADERS.errorCode])).toEqual(['POISON_PILL', 'KEY_MISSING']);
      const [poison] = parked;
      expect(poison?.key).toBe('k');
      expect(poison?.headers).toMatchObject({
        'x-origin': 'test',
        [DLQ_HEADERS.processor]: s.processor.name,
        [DLQ_HEADERS.sourceTopic]: s.input,
        [DLQ_HEADERS.sourcePartition]: '0',
        [DLQ_HEADERS.sourceOffset]: '1',
        [DLQ_HEADERS.errorMessage]: 'record 1 asked to be rejected',
      });
      const labels = { processor: s.processor.name };
      expect(
        await metricValue(registry, PROCESSOR_METRIC_NAMES.dlq, { ...labels, code: 'POISON_PILL' }),
      ).toBe(1);
      expect(
        await metricValue(registry, PROCESSOR_METRIC_NAMES.drops, { ...labels, reason: 'SKIP_REQUESTED' }),
      ).toBe(1);
      expect(
        await metricValue(registry, PROCESSOR_METRIC_NAMES.recordsIn, { ...labels, topic: s.input }),
      ).toBe(6);
      expect(
        await metricValue(registry, PROCESSOR_METRIC_NAMES.recordsOut, { ...labels, topic: s.output }),
      ).toBe(3);
      expect(await metricValue(registry, PROCESSOR_METRIC_NAMES.lag, { ...labels, topic: s.input })).toBe(0);
    });

    it('hands partitions to a second instance, which restores their state from the changelog, and takes them back when it leaves', async () => {
      const s = await countSetup(fx, 4);
      const keys = 8;
      await fx.log.append(countInputs(s.input, keys, 5));
      const a = await start(fx.log, s.processor, { group: s.group, instance: 'a' });
      runs.push(a);
      await waitForCommittedToEnd(fx.log, s.group, s.input);

      const b = await start(fx.peer(), s.processor, { group: s.group, instance: 'b' });
      runs.push(b);
      await vi.waitFor(() => {
        expect(a.partitions()).toHaveLength(2);
        expect(b.partitions()).toHaveLength(2);
      }, WAIT);
      await fx.log.append(countInputs(s.input, keys, 5, 5));
      await waitForCommittedToEnd(fx.log, s.group, s.input);

      await a.stop();
      await vi.waitFor(() => expect(b.partitions()).toEqual([0, 1, 2, 3]), WAIT);
      await fx.log.append(countInputs(s.input, keys, 5, 10));
      await waitForCommittedToEnd(fx.log, s.group, s.input);

      const totals = new Map(Array.from({ length: keys }, (_, k) => [`k${k}`, 15]));
      expect(countProblems(await outputsOf(fx.log, s.output), totals)).toEqual([]);
      expect(Object.fromEntries(b.storeSnapshot(COUNTS_STORE))).toEqual(Object.fromEntries(totals));
      await b.stop();
    });

    it('crashes on a processor exception without committing the failing record', async () => {
      const s = await countSetup(fx, 1);
      const broken: Processor = {
        ...s.processor,
        process(record, context) {
          if ((record.value as { n?: number } | null)?.n === 2) throw new TypeError('processor bug');
          return s.processor.process(record, context);
        },
      };
      await fx.log.append(countInputs(s.input, 1, 4));
      const run = await start(fx.log, broken, { group: s.group, instance: 'a' });
      runs.push(run);
      await expect(run.done).rejects.toThrow('processor bug');
      expect(run.state()).toBe('failed');
      const committed = await fx.log.committedOffsets(s.group, s.input);
      expect(BigInt(committed.get(0) ?? '0')).toBeLessThanOrEqual(2n);
      const outputs = await outputsOf(fx.log, s.output);
      expect(outputs.map((o) => o.count)).toEqual(outputs.map((_, i) => i + 1));
      expect(outputs.length).toBeLessThanOrEqual(2);
    });
  });
}
