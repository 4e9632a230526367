import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pipelineTopics } from '../../../services/core/processors/pipeline-topics.ts';
import type { ConfigCurrent } from '../../../services/generated/events.ts';
import { corpusSources, currentProblems, expectedMerged } from '../../helpers/pipeline-fixtures.ts';
import type { FixtureSource } from '../../helpers/pipeline-fixtures.ts';
import { pipelineFixture } from '../../integration/pipeline/pipeline-fixture.ts';
import type { PipelineFixture } from '../../integration/pipeline/pipeline-fixture.ts';
import { fixtureCatalog, startSubscriptionServer } from '../../integration/pipeline/subscription-server.ts';
import type { SubscriptionServer } from '../../integration/pipeline/subscription-server.ts';

const NODE = resolve('node_modules/.bin/node');
const WAIT = { timeout: 240_000, interval: 1000 } as const;

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  stdout(): string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

const content = (current: ReadonlyMap<string, ConfigCurrent>) =>
  new Map([...current].map(([fp, { metadata: _metadata, ...rest }]) => [fp, rest]));

/**
 * The distributed deployment as an operator runs it, each piece its own process: `submerge
 * catalog load`, the fetcher, parser and merger services (health and metrics on their ports),
 * and `submerge replay` into a new generation while the services keep running.
 */
describe('pipeline services as processes', () => {
  let fx: PipelineFixture;
  let server: SubscriptionServer | undefined;
  let dir = '';
  const procs: Proc[] = [];

  const run = (name: string, args: readonly string[], extraEnv: Record<string, string> = {}): Proc => {
    const child = spawn(NODE, ['--import', 'tsx', ...args], {
      env: {
        ...process.env,
        SUBMERGE_MODE: 'distributed',
        SUBMERGE_KAFKA_BROKERS: fx.brokers.join(','),
        SUBMERGE_SCHEMA_REGISTRY_URL: fx.registryUrl,
        SUBMERGE_CLICKHOUSE_URL: 'http://127.0.0.1:9',
        SUBMERGE_TOPIC_PREFIX: fx.topics.prefix,
        SUBMERGE_LOG_LEVEL: 'warn',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stdout = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      stdout += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );
    const proc = { name, child, exited, output: () => out, stdout: () => stdout };
    procs.push(proc);
    return proc;
  };

  const finished = async (proc: Proc) => {
    const result = await proc.exited;
    if (result.code !== 0) process.stderr.write(`${proc.name} exited ${result.code}:\n${proc.output()}\n`);
    return result;
  };

  beforeEach(async () => {
    fx = await pipelineFixture('e2e-pipe');
    dir = await mkdtemp(join(tmpdir(), 'submerge-e2e-'));
  });

  afterEach(async () => {
    for (const p of procs.splice(0))
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await fx.cleanup();
  });

  it('fetches, parses and merges the corpus, follows a source edit, reports health and metrics, replays into v2 and stops cleanly', async () => {
    const sources = corpusSources().filter((s) => s.body.length < 300_000);
    // A plain share-link list, so cutting it at a line keeps it a readable subscription.
    const edited = sources.find((s) => s.id.endsWith('proxy-configs-txt'));
    if (edited === undefined) throw new Error('no share-link list in the corpus');
    const rest = sources.filter((s) => s !== edited);
    server = await startSubscriptionServer(
      new Map(sources.map((s) => [s.id, { status: 200, body: s.body }])),
    );
    const catalogFile = join(dir, 'sources.yaml');
    await writeFile(
      catalogFile,
      fixtureCatalog(
        server,
        sources.map((s) => s.id),
      ),
    );

    const load = run('catalog load', ['services/cli/main.ts', 'catalog', 'load', catalogFile]);
    expect((await finished(load)).code).toBe(0);
    expect(JSON.parse(load.stdout())).toMatchObject({
      upserts: sources.map((s) => s.id),
      removals: [],
    });

    const ports = { fetcher: await freePort(), parser: await freePort(), merger: await freePort() };
    const fetcher = run(
      'fetcher',
      [
        'services/fetcher/main.ts',
        '--topic-prefix',
        fx.topics.prefix,
        '--instance-id',
        'e2e',
        '--first-fetch',
        'immediately',
      ],
      { SUBMERGE_METRICS_PORT: String(ports.fetcher) },
    );
    const parser = run('parser', ['services/parser/main.ts'], {
      SUBMERGE_METRICS_PORT: String(ports.parser),
    });
    const merger = run('merger', ['services/merger/main.ts'], {
      SUBMERGE_METRICS_PORT: String(ports.merger),
    });

    await vi.waitFor(async () => {
      for (const port of Object.values(ports))
        expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    }, WAIT);

    await vi.waitFor(
      async () => expect(currentProblems(await fx.readCurrent(), expectedMerged(sources))).toEqual([]),
      WAIT,
    );

    // The first source drops its second half.
    const half: FixtureSource = {
      id: edited.id,
      body: edited.body.subarray(0, edited.body.lastIndexOf('\n', edited.body.length >> 1)),
    };
    server.serve(edited.id, { status: 200, body: half.body });
    await vi.waitFor(
      async () =>
        expect(currentProblems(await fx.readCurrent(), expectedMerged([half, ...rest]))).toEqual([]),
      WAIT,
    );

    const metrics = await (await fetch(`http://127.0.0.1:${ports.merger}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `submerge_processor_records_in_total\\{[^}]*topic="${fx.topics.observed.replace(/\./g, '\\.')}"[^}]*\\} [1-9]`,
      ),
    );
    expect(await (await fetch(`http://127.0.0.1:${ports.parser}/metrics`)).text()).toContain(
      'submerge_processor_batch_duration_seconds',
    );

    // A replay into a new generation runs beside the live services and rebuilds the same state.
    const replay = run('replay', [
      'services/cli/main.ts',
      'replay',
      '--processor',
      'all',
      '--new-topics-suffix',
      'v2',
    ]);
    expect((await finished(replay)).code).toBe(0);
    const v1 = content(await fx.readCurrent());
    const v2 = content(await fx.readCurrent(pipelineTopics({ prefix: fx.topics.prefix, version: 'v2' })));
    // The services may have folded a fetch the replay had not seen yet; the replayed state is the one of the raw topic at its start.
    expect(
      currentProblems(
        await fx.readCurrent(pipelineTopics({ prefix: fx.topics.prefix, version: 'v2' })),
        expectedMerged([half, ...rest]),
      ),
    ).toEqual([]);
    expect([...v2.keys()].sort()).toEqual([...v1.keys()].sort());

    for (const p of [fetcher, parser, merger]) p.child.kill('SIGTERM');
    for (const p of [fetcher, parser, merger]) expect(await finished(p)).toEqual({ code: 0, signal: null });
  });
});
