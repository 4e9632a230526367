import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigCurrent, ConfigProbed } from '../../../services/generated/events.ts';
import type { ProxyConfig } from '../../../services/core/model/config.ts';
import { DEFAULT_RUN_BUDGET } from '../../../services/core/probing/budget.ts';
import type { SchedulePolicy } from '../../../services/core/probing/schedule.ts';
import { configJson } from '../../../services/core/processors/config-json.ts';
import { createCoreReaper } from '../../../services/prober/core-reaper.ts';
import { proberName, proberTopicSpecs } from '../../../services/prober/prober-topics.ts';
import { startProber } from '../../../services/prober/prober.ts';
import type { Prober } from '../../../services/prober/prober.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { nameBasedUuid } from '../../../services/shared/events/event-metadata.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { startLoopbackLab } from './loopback-lab.ts';
import type { LoopbackLab } from './loopback-lab.ts';

/**
 * The schedule as the running prober applies it, on a clock the test moves: a config that keeps
 * working is probed less and less often, one that flips between working and broken (a
 * shadowsocks server behind a relay the test switches off and on) is probed again within
 * minutes, and a new config at once. Real probes through sing-box on loopback; only time is
 * simulated.
 */

const MINUTE = 60_000;
const POLICY: SchedulePolicy = {
  healthyBaseMs: 60 * MINUTE,
  healthyMaxMs: 6 * 60 * MINUTE,
  failingBaseMs: 20 * MINUTE,
  failingMaxMs: 12 * 60 * MINUTE,
  flappingMs: 5 * MINUTE,
  unsupportedMs: 24 * 60 * MINUTE,
  window: 8,
  flapChanges: 2,
  // No spread: the due times below are exact.
  jitter: 0,
};

const { singBoxBin } = componentEndpoints();
const logger = createLogger({ service: 'prober-schedule-it', level: 'silent' });
const { topics, specs } = proberTopicSpecs({ vantage: 'sched' });
const log = createInProcessEventLog();
const reaper = createCoreReaper();
const T0 = Date.UTC(2026, 0, 1);
let clock = T0;
let lab: LoopbackLab;
let prober: Prober;
let relay: { server: Server; port: number; setUp(up: boolean): void; close(): Promise<void> };

/** A TCP relay to `target` that, when down, accepts and drops every connection (the proxy fails). */
async function startRelay(target: number): Promise<typeof relay> {
  let up = true;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (!up) {
      socket.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    setUp(value) {
      up = value;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function current(fingerprint: string, config: ProxyConfig): ConfigCurrent {
  const eventId = nameBasedUuid(`current:${fingerprint}`);
  return {
    metadata: { eventId, eventTime: T0, producer: 'merger/test', correlationId: eventId, causationId: null },
    fingerprint,
    fingerprintPolicy: 'credential',
    protocol: config.protocol,
    server: config.server,
    port: config.port,
    config: configJson(config),
    sources: [],
    firstSeen: T0,
    lastSeen: T0,
  };
}

function labConfig(name: string): ProxyConfig {
  const found = lab.cases.find((c) => c.name === name);
  if (found === undefined) throw new Error(name);
  return found.config;
}

async function probes(): Promise<ConfigProbed[]> {
  const out: ConfigProbed[] = [];
  await log.readToEnd(topics.probed, {
    onRecords: (records) => records.forEach((r) => out.push(r.value as ConfigProbed)),
  });
  return out;
}

/** Moves the clock, waits for `expected` probes in total, then lets the run settle. */
async function advanceTo(minutes: number, expected: number): Promise<ConfigProbed[]> {
  clock = T0 + minutes * MINUTE;
  const until = Date.now() + 60_000;
  while ((await probes()).length < expected) {
    if (Date.now() > until)
      throw new Error(`fewer than ${String(expected)} probes by minute ${String(minutes)}`);
    await sleep(100);
  }
  // A run that probed more than expected would publish it within this pause.
  await sleep(1_500);
  return probes();
}

const count = (events: readonly ConfigProbed[], fingerprint: string): number =>
  events.filter((e) => e.fingerprint === fingerprint).length;

beforeAll(async () => {
  lab = await startLoopbackLab(singBoxBin);
  relay = await startRelay(labConfig('shadowsocks-2022').port);
  await log.ensureTopics(
    specs.map((s) => ({
      name: s.name,
      partitions: s.partitions,
      compacted: s.config['cleanup.policy'] === 'compact',
    })),
  );
  await log.append([
    { topic: topics.current, key: 'steady', value: current('steady', labConfig('vmess')) },
    {
      topic: topics.current,
      key: 'flappy',
      value: current('flappy', { ...labConfig('shadowsocks-2022'), port: relay.port }),
    },
  ]);
  prober = await startProber({
    log,
    topics,
    group: proberName('', 'sched'),
    reaper,
    logger,
    settings: {
      vantage: 'sched',
      instanceId: 'one',
      budget: DEFAULT_RUN_BUDGET,
      schedule: POLICY,
      scope: 'loopback',
      testUrl: lab.testUrl,
      acceptStatus: (status) => status >= 200 && status < 400,
      cheapTimeoutMs: 1_500,
      proxyTimeoutMs: 2_500,
      coreBin: singBoxBin,
      coreLimits: {},
      ca: [lab.cert],
      coreEnv: { SSL_CERT_FILE: lab.certFile },
      runIntervalMs: 1_000,
      idleMs: 100,
    },
    now: () => clock,
  });
});

afterAll(async () => {
  await prober.stop();
  const leaked = reaper.live();
  reaper.killAll();
  reaper.dispose();
  expect(leaked).toEqual([]);
  await log.close();
  await relay.close();
  await lab.stop();
});

describe('the prober schedule over time', () => {
  it('re-probes a steadily working config less often than one that flaps, and a new one at once', async () => {
    // Minute 0: both new, both work.
    let events = await advanceTo(0, 2);
    expect(events.map((e) => [e.fingerprint, e.outcome]).sort()).toEqual([
      ['flappy', 'ok'],
      ['steady', 'ok'],
    ]);

    // Minute 30: nothing is due (healthy configs wait an hour).
    events = await advanceTo(30, 2);
    expect(events).toHaveLength(2);

    // Minute 61: both due; the relay is down, so the flappy one fails and is checked again in 5 minutes.
    relay.setUp(false);
    events = await advanceTo(61, 4);
    expect(events.filter((e) => e.fingerprint === 'flappy').map((e) => e.outcome)).toEqual([
      'ok',
      'proxy-error',
    ]);

    // Minutes 67 and 73: the relay is back; only the flappy config is due each time.
    relay.setUp(true);
    await advanceTo(67, 5);
    events = await advanceTo(73, 6);
    expect(count(events, 'flappy')).toBe(4);
    // The steady one backed off to two hours after its second success.
    expect(count(events, 'steady')).toBe(2);
    expect(prober.history('steady')).toMatchObject({ last: 'pass', streak: 2 });
    expect(prober.history('flappy')).toMatchObject({
      last: 'pass',
      recent: ['pass', 'fail', 'pass', 'pass'],
    });

    // A config that appears now is new: probed in the next run, before anything else is due.
    await log.append([{ topic: topics.current, key: 'fresh', value: current('fresh', labConfig('trojan')) }]);
    events = await advanceTo(73 + 2 / 60, 7);
    expect(count(events, 'fresh')).toBe(1);
    expect(count(events, 'steady')).toBe(2);

    // Minute 181: the steady config's two-hour interval is up (the other two are long due).
    events = await advanceTo(181, 10);
    expect(count(events, 'steady')).toBe(3);
  });
});
