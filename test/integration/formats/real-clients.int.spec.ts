import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { convert, type ConvertOptions } from '../../../services/cli/convert.ts';
import { emitClash } from '../../../services/core/emit/clash.ts';
import { emitSingBox } from '../../../services/core/emit/sing-box.ts';
import type { ProxyConfig } from '../../../services/core/model/config.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { configArb } from '../../helpers/model-arbitraries.ts';
import { mihomoTest, singBoxCheck, singBoxVersion, type CoreCheckResult } from '../../helpers/proxy-cores.ts';
import { ALL_SAMPLES, SAMPLE_CONFIGS } from '../../unit/core/emit/sample-configs.ts';

/**
 * Real clients load what the emitters write: every sing-box document emitted from every file
 * of the shared corpus passes `sing-box check` (the sing-box built by infra/local), every
 * Clash document passes `mihomo -t` (when infra/local could build mihomo). The same holds for
 * hand-built configs of every protocol and for thousands of generated ones. A broken document
 * is shown to fail, so a pass means something.
 */
const repoRoot = path.resolve(import.meta.dirname, '../../..');
const corpusRoot = path.resolve(repoRoot, '../shared/corpus');
const { singBoxBin, mihomoBin } = componentEndpoints();

function corpusFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return corpusFiles(full);
      return name === 'SOURCE.md' ? [] : [full];
    });
}

const FILES = corpusFiles(corpusRoot).map((file) => path.relative(corpusRoot, file));
// A fresh seed each run explores new configs; a failure names it so it can be replayed.
const SEED = Number(process.env['SUBMERGE_FC_SEED'] ?? Date.now() % 2 ** 31);
const GENERATED = 4000;

/** `outbound[12]` / `endpoint[3]` / `proxy 12` in a core's error -> that entry of the document. */
function explain(result: CoreCheckResult, document: string, kind: 'sing-box' | 'clash'): string {
  if (result.ok) return '';
  let culprit = '';
  if (kind === 'sing-box') {
    const m = /(outbound|endpoint)\[(\d+)\]/.exec(result.output);
    if (m !== null) {
      const doc = JSON.parse(document) as Record<string, unknown[]>;
      culprit = JSON.stringify(doc[`${m[1] as string}s`]?.[Number(m[2])]);
    }
  } else {
    const m = /proxy (\d+):/.exec(result.output);
    if (m !== null)
      culprit = document.split('\n').filter((l) => l.startsWith('  - {name:'))[Number(m[1])] ?? '';
  }
  return `${result.output}\n--- offending entry:\n${culprit}`;
}

function readCorpus(file: string): Uint8Array {
  return readFileSync(path.join(corpusRoot, file));
}

describe('sing-box check on emitted sing-box documents', () => {
  let build: NonNullable<ConvertOptions['singBox']> = {};

  beforeAll(async () => {
    const version = await singBoxVersion(singBoxBin);
    // Emit for the build under test: WireGuard endpoints only when it has with_wireguard.
    build = {
      wireguard: version.tags.includes('with_wireguard'),
      naive: version.tags.includes('with_naive_outbound'),
    };
  });

  it('runs the sing-box that infra/local built', async () => {
    const version = await singBoxVersion(singBoxBin);
    expect(version.version).toMatch(/^1\.\d+\.\d+/);
    expect(version.tags).toEqual(expect.arrayContaining(['with_quic', 'with_utls']));
  });

  it.each(FILES)('accepts the document emitted from %s', async (file) => {
    const { output, report } = convert([{ source: file, body: readCorpus(file) }], {
      to: 'sing-box',
      singBox: build,
    });
    expect(report.emitted + report.incompatible.length).toBe(report.unique);
    const result = await singBoxCheck(singBoxBin, output);
    expect(result.ok, explain(result, output, 'sing-box')).toBe(true);
  });

  it('accepts the whole corpus merged and deduplicated into one document', async () => {
    const inputs = FILES.map((file) => ({ source: file, body: readCorpus(file) }));
    const { output, report } = convert(inputs, { to: 'sing-box', dedupe: 'full', singBox: build });
    expect(report.emitted).toBeGreaterThan(1000);
    const result = await singBoxCheck(singBoxBin, output);
    expect(result.ok, explain(result, output, 'sing-box')).toBe(true);
  });

  it('accepts hand-built configs of every protocol it can express', async () => {
    const { output, emitted } = emitSingBox(ALL_SAMPLES, build);
    expect(emitted).toBeGreaterThan(20);
    const result = await singBoxCheck(singBoxBin, output);
    expect(result.ok, explain(result, output, 'sing-box')).toBe(true);
  });

  it(`accepts ${GENERATED} generated configs of every protocol`, async () => {
    const configs = fc.sample(configArb, { numRuns: GENERATED, seed: SEED });
    const { output, emitted } = emitSingBox(configs, build);
    expect(emitted).toBeGreaterThan(GENERATED / 2);
    const result = await singBoxCheck(singBoxBin, output);
    expect(result.ok, `seed ${SEED}: ${explain(result, output, 'sing-box')}`).toBe(true);
  });

  it('refuses a document whose REALITY public key is broken, so a pass is meaningful', async () => {
    const broken: ProxyConfig = {
      ...SAMPLE_CONFIGS.vlessRealityVision,
      tls: { ...SAMPLE_CONFIGS.vlessRealityVision.tls, reality: { publicKey: 'not-a-key', shortId: '01' } },
    };
    const result = await singBoxCheck(singBoxBin, emitSingBox([broken]).output);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('public_key');
  });
});

// Every Clash document must load in the real mihomo that infra/local builds.
describe('mihomo -t on emitted Clash documents', () => {
  const bin = mihomoBin;

  it.each(FILES)('accepts the document emitted from %s', async (file) => {
    const { output, report } = convert([{ source: file, body: readCorpus(file) }], { to: 'clash' });
    expect(report.emitted + report.incompatible.length).toBe(report.unique);
    const result = await mihomoTest(bin, output);
    expect(result.ok, explain(result, output, 'clash')).toBe(true);
  });

  it('accepts the whole corpus merged into one document with unique names', async () => {
    const inputs = FILES.map((file) => ({ source: file, body: readCorpus(file) }));
    const { output, report } = convert(inputs, { to: 'clash' });
    expect(report.emitted).toBeGreaterThan(10_000);
    const result = await mihomoTest(bin, output);
    expect(result.ok, explain(result, output, 'clash')).toBe(true);
  });

  it('accepts hand-built configs of every protocol it can express', async () => {
    const { output, emitted } = emitClash(ALL_SAMPLES);
    expect(emitted).toBeGreaterThan(20);
    const result = await mihomoTest(bin, output);
    expect(result.ok, explain(result, output, 'clash')).toBe(true);
  });

  it(`accepts ${GENERATED} generated configs of every protocol`, async () => {
    const configs = fc.sample(configArb, { numRuns: GENERATED, seed: SEED });
    const { output, emitted } = emitClash(configs);
    expect(emitted).toBeGreaterThan(GENERATED / 2);
    const result = await mihomoTest(bin, output);
    expect(result.ok, `seed ${SEED}: ${explain(result, output, 'clash')}`).toBe(true);
  });

  it('refuses a document with a duplicate proxy name, so a pass is meaningful', async () => {
    const line =
      '  - {name: "a", type: "ss", server: "192.0.2.1", port: 8388, cipher: "aes-128-gcm", password: "x"}';
    const result = await mihomoTest(bin, `proxies:\n${line}\n${line}\n`);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('duplicate');
  });
});
