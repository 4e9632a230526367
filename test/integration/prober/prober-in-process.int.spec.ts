import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigCurrent, ConfigProbed } from '../../../services/generated/events.ts';
import { DEFAULT_RUN_BUDGET } from '../../../services/core/probing/budget.ts';
import type { ProbeHistory } from '../../../services/core/probing/schedule.ts';
import { DEFAULT_SCHEDULE_POLICY } from '../../../services/core/probing/schedule.ts';
import { configJson } from '../../../services/core/processors/config-json.ts';
import { createCoreReaper } from '../../../services/prober/core-reaper.ts';
import { proberName, proberTopicSpecs } from '../../../services/prober/prober-topics.ts';
import { startProber } from '../../../services/prober/prober.ts';
import type { Prober } from '../../../services/prober/prober.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { nameBasedUuid } from '../../../services/shared/events/event-metadata.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { createMetricsRegistry } from '../../../services/shared/metrics/metrics-registry.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { startLoopbackLab } from './loopback-lab.ts';
import type { LoopbackLab } from './loopback-lab.ts';

/**
 * The same prober on the embedded mode's in-process event log: the service depends on the
 * EventLog port only, so it runs unchanged in one process. Here the budget is small on
 * purpose: a run takes only part of the due configs, new ones first, and the next run takes
 * the rest; the metrics count every probe.
 */

const { singBoxBin } = componentEndpoints();
const logger = createLogger({ service: 'prober-it', level: 'silent' });
const { topics, specs } = proberTopicSpecs({ vantage: 'embedded' });
const log = createInProcessEventLog();
const reaper = createCoreReaper();
const registry = createMetricsRegistry({ service: 'prober-it', collectProcessMetrics: false });
let lab: LoopbackLab;
let prober: Prober;

const current = (name: string, lab_: LoopbackLab): ConfigCurrent => {
  const c = lab_.cases.find((x) => x.name === name);
  if (c === undefined) throw new Error(name);
  const eventId = nameBasedUuid(`current:${name}`);
  return {
    metadata: { eventId, eventTime: 1, producer: 'merger/test', correlationId: eventId, causationId: null },
    fingerprint: `fp-${name}`,
    fingerprintPolicy: 'credential',
    protocol: c.config.protocol,
    server: c.config.server,
    port: c.config.port,
    config: configJson(c.config),
    sources: [],
    firstSeen: 1,
    lastSeen: 1,
  };
};

beforeAll(async () => {
  lab = await startLoopbackLab(singBoxBin);
  await log.ensureTopics(
    specs.map((s) => ({
      name: s.name,
      partitions: s.partitions,
      compacted: s.config['cleanup.policy'] === 'compact',
    })),
  );
  await log.append(
    lab.working.map((c) => ({ topic: topics.current, key: `fp-${c.name}`, value: current(c.name, lab) })),
  );
  prober = await startProber({
    log,
    topics,
    group: proberName('', 'embedded'),
    reaper,
    logger,
    registry,
    settings: {
      vantage: 'embedded',
      instanceId: 'one',
      // Three configs per run: the working set (7) takes three runs.
      budget: { ...DEFAULT_RUN_BUDGET, maxConfigs: 3 },
      schedule: DEFAULT_SCHEDULE_POLICY,
      scope: 'loopback',
      testUrl: lab.testUrl,
      acceptStatus: (status) => status >= 200 && status < 400,
      cheapTimeoutMs: 1_500,
      proxyTimeoutMs: 2_500,
      coreBin: singBoxBin,
      coreLimits: {},
      ca: [lab.cert],
      coreEnv: { SSL_CERT_FILE: lab.certFile },
      runIntervalMs: 300,
      idleMs: 100,
    },
  });
});

afterAll(async () => {
  await prober.stop();
  const leaked = reaper.live();
  reaper.killAll();
  reaper.dispose();
  expect(leaked).toEqual([]);
  await log.close();
  await lab.stop();
});

async function probed(): Promise<ConfigProbed[]> {
  const out: ConfigProbed[] = [];
  await log.readToEnd(topics.probed, {
    onRecords: (records) => records.forEach((r) => out.push(r.value as ConfigProbed)),
  });
  return out;
}

describe('prober on the in-process event log', () => {
  it('probes every config over several budgeted runs and records each in probed events and the history changelog', async () => {
    const until = Date.now() + 60_000;
    while ((await probed()).length < lab.working.length && Date.now() < until) await sleep(100);
    const events = await probed();
    expect(events.map((e) => e.fingerprint).sort()).toEqual(lab.working.map((c) => `fp-${c.name}`).sort());
    expect(events.every((e) => e.outcome === 'ok' && e.vantage === 'embedded')).toBe(true);
    expect(prober.lastRound()).toMatchObject({ probed: 1, exhausted: null });

    const history = new Map<string, ProbeHistory | null>();
    await log.readToEnd(topics.history, {
      onRecords: (records) =>
        records.forEach((r) => history.set(r.key ?? '', r.value as ProbeHistory | null)),
    });
    expect(history.size).toBe(lab.working.length);
    for (const h of history.values()) expect(h).toMatchObject({ last: 'pass', streak: 1 });

    const metrics = await registry.getSingleMetricAsString('submerge_prober_probes_total');
    expect(metrics).toContain(
      `submerge_prober_probes_total{stage="proxy",outcome="ok",code="",service="prober-it"} ${String(lab.working.length)}`,
    );
    const runs = await registry.getSingleMetricAsString('submerge_prober_runs_total');
    expect(runs).toContain('exhausted="configs"');
  });
});
