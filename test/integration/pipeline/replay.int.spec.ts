import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { planReplay } from '../../../services/cli/replay-plan.ts';
import { parseSubscription } from '../../../services/core/formats/parse-subscription.ts';
import { executeReplay } from '../../../services/cli/replay.ts';
import {
  MERGER_STORE,
  PROCESSOR_KINDS,
  pipelineTopics,
  processorTopicSpecs,
} from '../../../services/core/processors/pipeline-topics.ts';
import type { ConfigCurrent } from '../../../services/generated/events.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { openKafkaPipelineLog } from '../../../services/pipeline/kafka-pipeline-log.ts';
import { fetchedEvent } from '../../helpers/fetch-events.ts';
import { corpusSources, currentProblems, expectedMerged } from '../../helpers/pipeline-fixtures.ts';
import type { FixtureSource } from '../../helpers/pipeline-fixtures.ts';
import { pipelineFixture } from './pipeline-fixture.ts';
import type { PipelineFixture } from './pipeline-fixture.ts';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const WAIT = { timeout: 180_000, interval: 500 } as const;
const NODE = resolve('node_modules/.bin/node');
const CLI = resolve('services/cli/main.ts');

/** configs.current without event metadata (which names whichever observation happened to be last). */
const content = (current: ReadonlyMap<string, ConfigCurrent>) =>
  new Map([...current].map(([fp, { metadata: _metadata, ...rest }]) => [fp, rest]));

function runCli(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(NODE, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('replay from the raw topic', () => {
  let fx: PipelineFixture;

  beforeEach(async () => {
    fx = await pipelineFixture('it-replay');
  });

  afterEach(async () => {
    await fx.cleanup();
  });

  it('rebuilds an identical configs.current into new topics, again into newer ones, and in place', async () => {
    // Two fetch rounds: the second drops some sources' tails, makes one fail and one serve an HTML page.
    const sources = corpusSources().filter((s) => s.body.length < 400_000);
    const round2: FixtureSource[] = sources.map((s, i) =>
      i % 3 === 0 ? { id: s.id, body: s.body.subarray(0, Math.floor(s.body.length / 2)) } : s,
    );
    const parser = await fx.start('parser');
    const merger = await fx.start('merger');
    await fx.appendFetched(sources.map((s, i) => fetchedEvent({ sourceId: s.id, at: T0 + i, body: s.body })));
    await fx.appendFetched(
      round2.map((s, i) =>
        i === 1
          ? fetchedEvent({ sourceId: s.id, at: T0 + HOUR + i, outcome: 'timeout' })
          : i === 2
            ? fetchedEvent({
                sourceId: s.id,
                at: T0 + HOUR + i,
                body: '<!DOCTYPE html><html><body>oops</body></html>',
              })
            : fetchedEvent({ sourceId: s.id, at: T0 + HOUR + i, body: s.body }),
      ),
    );
    // A failed fetch, an HTML page and a cut body that no longer reads as a subscription all keep the first round's configs.
    const stillReadable = (body: Buffer): boolean => {
      const parsed = parseSubscription(body);
      return parsed.configs.length > 0 && !['html', 'empty', 'unknown'].includes(parsed.container);
    };
    const expected = expectedMerged(
      round2.map((s, i) =>
        i === 1 || i === 2 || !stillReadable(s.body) ? (sources[i] as FixtureSource) : s,
      ),
    );
    await vi.waitFor(() => expect(merger.run.storeSnapshot(MERGER_STORE).size).toBe(expected.size), WAIT);
    await vi.waitFor(async () => expect(currentProblems(await fx.readCurrent(), expected)).toEqual([]), WAIT);
    const original = content(await fx.readCurrent());
    await parser.run.stop();
    await merger.run.stop();

    const env = {
      SUBMERGE_KAFKA_BROKERS: fx.brokers.join(','),
      SUBMERGE_SCHEMA_REGISTRY_URL: fx.registryUrl,
      SUBMERGE_TOPIC_PREFIX: fx.topics.prefix,
      SUBMERGE_LOG_LEVEL: 'warn',
    };
    // The real CLI, as an operator runs it: a new generation beside the running one.
    const v2 = await runCli(
      ['replay', '--processor', 'all', '--from-beginning', '--new-topics-suffix', 'v2'],
      env,
    );
    expect(v2.stderr).toContain('parser: caught up');
    expect(v2.code).toBe(0);
    const v2Report = JSON.parse(v2.stdout) as { steps: { kind: string; records: number }[] };
    expect(v2Report.steps.find((s) => s.kind === 'parser')?.records).toBe(sources.length * 2);
    const topicsV2 = pipelineTopics({ prefix: fx.topics.prefix, version: 'v2' });
    expect(content(await fx.readCurrent(topicsV2))).toEqual(original);

    // Replaying the same raw topic a second time gives the same state again.
    const topicsV3 = pipelineTopics({ prefix: fx.topics.prefix, version: 'v3' });
    const logger = createLogger({ service: 'test', level: 'silent' });
    const logV3 = await openKafkaPipelineLog({
      brokers: fx.brokers,
      registryUrl: fx.registryUrl,
      topics: topicsV3,
      ensure: [
        ...processorTopicSpecs(PROCESSOR_KINDS.parser, topicsV3),
        ...processorTopicSpecs(PROCESSOR_KINDS.merger, topicsV3),
      ],
      logger,
    });
    try {
      const report = await executeReplay(
        planReplay({ target: 'all', prefix: fx.topics.prefix, currentVersion: 'v1', newVersion: 'v3' }),
        {
          log: logV3,
          kafka: fx.kafka,
          logger,
          registry: new Registry(),
          progressIntervalMs: 250,
        },
      );
      expect(report.currentTombstones).toBe(0);
    } finally {
      await logV3.close();
    }
    expect(content(await fx.readCurrent(topicsV3))).toEqual(original);

    // In place: the running generation's groups and state are reset and configs.current is rebuilt over itself.
    const inPlace = await runCli(['replay', '--processor', 'all'], env);
    expect(inPlace.code).toBe(0);
    expect(content(await fx.readCurrent())).toEqual(original);
  }, 600_000);

  it('refuses to replay in place while a service consumes as the replayed group, and changes nothing', async () => {
    const parser = await fx.start('parser');
    await fx.appendFetched([
      fetchedEvent({ sourceId: 's', at: T0, body: 'trojan://p@a.example.com:443?security=tls#a' }),
    ]);
    await vi.waitFor(
      async () =>
        expect((await fx.log.committedOffsets(parser.group, fx.topics.fetched)).size).toBeGreaterThan(0),
      WAIT,
    );
    const before = await fx.log.committedOffsets(parser.group, fx.topics.fetched);
    await expect(
      executeReplay(planReplay({ target: 'parser', prefix: fx.topics.prefix, currentVersion: 'v1' }), {
        log: fx.log,
        kafka: fx.kafka,
        logger: createLogger({ service: 'test', level: 'silent' }),
        registry: new Registry(),
      }),
    ).rejects.toMatchObject({ code: 'GROUP_ACTIVE' });
    expect(await fx.log.committedOffsets(parser.group, fx.topics.fetched)).toEqual(before);
  });
});
