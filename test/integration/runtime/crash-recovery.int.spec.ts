import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { changelogTopic, dlqTopic } from '../../../services/core/processing/processor.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createProcessorMetrics } from '../../../services/shared/metrics/processor-metrics.ts';
import type { OutgoingRecord } from '../../../services/shared/runtime/event-log.ts';
import { runProcessor } from '../../../services/shared/runtime/run-processor.ts';
import {
  latestByKey,
  readAll,
  uniqueSuffix,
  WAIT,
  waitForCommittedToEnd,
} from '../../contract/event-log-fixture.ts';
import { COUNTS_STORE, countProblems, runningCountProcessor } from '../../contract/running-count.ts';
import type { CountOutput } from '../../contract/running-count.ts';
import { kafkaFixture } from './kafka-fixture.ts';
import type { KafkaFixture } from './kafka-fixture.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import type { CountWorkerConfig } from './fixtures/count-worker.ts';

const NODE = resolve('node_modules/.bin/node');
const WORKER = resolve('test/integration/runtime/fixtures/count-worker.ts');

interface Worker {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnWorker(config: CountWorkerConfig): Worker {
  const child = spawn(NODE, ['--import', 'tsx', WORKER, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(`count worker exited ${code}:\n${stderr}\n`);
      done({ code, signal });
    });
  });
  return { child, lines, exited };
}

const KEYS = 12;
const PER_KEY = 100;

function inputs(topic: string): OutgoingRecord[] {
  return Array.from({ length: KEYS * PER_KEY }, (_, i) => ({
    topic,
    key: `key-${i % KEYS}`,
    value: { n: i },
  }));
}

/** The same processor over the same inputs on the in-process bus, never interrupted. */
async function uninterruptedRun(name: string, records: readonly OutgoingRecord[]) {
  const log = createInProcessEventLog();
  const input = 'in';
  const output = 'out';
  await log.ensureTopics([
    { name: input, partitions: 3, compacted: false },
    { name: output, partitions: 3, compacted: false },
  ]);
  await log.append(records.map((r) => ({ ...r, topic: input })));
  const processor = runningCountProcessor({ name, input, output });
  const run = await runProcessor(processor, {
    log,
    group: 'reference',
    transactionalId: 'reference',
    logger: createLogger({ service: 'test', level: 'silent' }),
    metrics: createProcessorMetrics(new Registry(), name),
  });
  await waitForCommittedToEnd(log, 'reference', input);
  await run.stop();
  const outputs = (await readAll(log, output)).map((r) => r.value as CountOutput);
  const state = latestByKey(await readAll(log, changelogTopic(name, COUNTS_STORE)));
  await log.close();
  return { outputs, state };
}

const sorted = (outputs: readonly CountOutput[]): CountOutput[] =>
  [...outputs].sort((a, b) => a.key.localeCompare(b.key) || a.count - b.count);

/**
 * Who writes the worker's transactions: kafkajs, and librdkafka (the services' default when its
 * addon loads). kafkajs has sent a transaction's records once `append` resolves; librdkafka only
 * queues them for its own thread (linger 5 ms), so its kill waits `killAfterMs` into the commit
 * window (`commitDelayMs`, which it stays well inside): the records reach the broker before the
 * kill even on a loaded machine, and the last check (read_uncommitted sees them) stays meaningful.
 */
const WRITERS = [
  { writer: 'kafkajs', commitDelayMs: 300, killAfterMs: 0, nativeModule: undefined },
  {
    writer: 'librdkafka',
    commitDelayMs: 3000,
    killAfterMs: 500,
    nativeModule: componentEndpoints().kafkaNativeModule,
  },
] as const;

describe.each(WRITERS)('crash recovery of a stateful processor on Kafka, $writer writing', (writerCase) => {
  let fx: KafkaFixture;
  const workers: Worker[] = [];

  beforeEach(async () => {
    fx = await kafkaFixture();
  });

  afterEach(async () => {
    for (const w of workers.splice(0))
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await fx.cleanup();
  });

  it('after kill -9 in the middle of a transaction and a restart, read_committed outputs and state equal an uninterrupted run, with no duplicates', async () => {
    const name = `count-${uniqueSuffix()}`;
    const input = await fx.topic('crash-in', 3);
    const output = await fx.topic('crash-out', 3);
    await fx.namedTopic(changelogTopic(name, COUNTS_STORE), 3, { compacted: true });
    await fx.namedTopic(dlqTopic(name), 3);
    const group = fx.group(name);
    const records = inputs(input);
    await fx.log.append(records);

    const config: CountWorkerConfig = {
      brokers: fx.brokers,
      name,
      input,
      output,
      group,
      transactionalId: `${group}-instance-0`,
      maxBatchRecords: 40,
      commitDelayMs: writerCase.commitDelayMs,
      ...(writerCase.nativeModule === undefined ? {} : { nativeModule: writerCase.nativeModule }),
    };

    // First life: killed with SIGKILL while a transaction's records and offsets are sent but not committed.
    const first = spawnWorker(config);
    workers.push(first);
    await vi.waitFor(
      () => {
        expect(first.lines.filter((l) => l === 'COMMITTED').length).toBeGreaterThanOrEqual(5);
        expect(first.lines.at(-1)).toBe('IN_FLIGHT');
      },
      { timeout: 90_000, interval: 5 },
    );
    if (writerCase.killAfterMs > 0) await sleep(writerCase.killAfterMs);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // The kill hit the open transaction: its commit never started.
    expect(first.lines.at(-1)).toBe('IN_FLIGHT');
    const committedBefore = [...(await fx.log.committedOffsets(group, input)).values()].reduce(
      (sum, o) => sum + Number(o),
      0,
    );
    expect(committedBefore).toBeGreaterThan(0);
    expect(committedBefore).toBeLessThan(records.length);

    // Second life: same transactional id, so the open transaction is aborted; runs to the end, then SIGTERM.
    const second = spawnWorker({ ...config, commitDelayMs: 0 });
    workers.push(second);
    await waitForCommittedToEnd(fx.log, group, input);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });

    const committedOutputs = (await readAll(fx.log, output)).map((r) => r.value as CountOutput);
    const totals = new Map(Array.from({ length: KEYS }, (_, k) => [`key-${k}`, PER_KEY]));
    const pairs = committedOutputs.map((o) => `${o.key}#${o.count}`);
    expect(pairs.length - new Set(pairs).size).toBe(0);
    expect(countProblems(committedOutputs, totals)).toEqual([]);

    const reference = await uninterruptedRun(name, records);
    expect(sorted(committedOutputs)).toEqual(sorted(reference.outputs));
    const state = latestByKey(await readAll(fx.log, changelogTopic(name, COUNTS_STORE)));
    expect(Object.fromEntries(state)).toEqual(Object.fromEntries(reference.state));

    // The killed transaction did write records: a read_uncommitted reader sees them, read_committed never did.
    const uncommitted: string[] = [];
    const reader = await fx.kit.consumer({ readUncommitted: true });
    await reader.subscribe({ topic: output, fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        uncommitted.push(message.offset);
        return Promise.resolve();
      },
    });
    await vi.waitFor(() => expect(uncommitted.length).toBeGreaterThan(committedOutputs.length), WAIT);
  });
});
