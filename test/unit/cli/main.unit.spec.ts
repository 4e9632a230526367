import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitUri } from '../../../services/core/emit/uri.ts';
import { SAMPLE_CONFIGS as S } from '../core/emit/sample-configs.ts';

// The real command as users run it: bin/submerge.js started by a plain `node`, in another cwd.
const BIN = resolve(import.meta.dirname, '../../../bin/submerge.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], options: { cwd: string; stdin?: string }): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'submerge-cli-'));
  await writeFile(join(dir, 'sub.txt'), emitUri([S.vlessRealityVision, S.ssAead, S.ssr]).output);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('submerge convert (process)', () => {
  it('prints the converted subscription on stdout, a summary on stderr, and writes the report', async () => {
    const result = await run(['convert', '--to', 'sing-box', '--report', 'report.json', 'sub.txt'], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { outbounds: { type: string }[] };
    expect(doc.outbounds.map((o) => o.type)).toEqual(['selector', 'urltest', 'vless', 'shadowsocks']);
    expect(result.stderr).toContain('emitted 2 as sing-box, 1 left out as incompatible');
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({
      inputs: 1,
      configs: 3,
      emitted: 2,
      byProtocol: { vless: 1, shadowsocks: 1, shadowsocksr: 1 },
    });
    expect(report['incompatible']).toEqual([
      expect.objectContaining({
        code: 'UNSUPPORTED_PROTOCOL',
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      }),
    ]);
    expect(Array.isArray(report['diagnostics'])).toBe(true);
  });

  it('reads stdin for - and stays quiet with -q', async () => {
    const body = Buffer.from(emitUri([S.trojanWs]).output).toString('base64');
    const result = await run(['convert', '--to', 'uri', '-q', '-'], { cwd: dir, stdin: body });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.startsWith('trojan://true@trojan.example.com:443?')).toBe(true);
  });

  it('exits 1 when nothing could be read and 2 on a usage error', async () => {
    const missing = await run(['convert', '--to', 'clash', 'missing.txt'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read missing.txt: ENOENT');
    const usage = await run(['convert', '--to', 'yaml', 'sub.txt'], { cwd: dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Allowed choices are uri, base64, clash, sing-box, sip008, xray');
  });

  it('exits 0 with an empty document when configs were read but none fits the target', async () => {
    await writeFile(join(dir, 'vless.txt'), emitUri([S.vlessRealityVision]).output);
    const result = await run(['convert', '--to', 'sip008', 'vless.txt'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ version: 1, servers: [] });
  });

  it('runs through npm run cli from the checkout', async () => {
    const out = await new Promise<string>((done, fail) => {
      const args = ['run', '-s', 'cli', '--', 'convert', '--to', 'uri', '-q', join(dir, 'sub.txt')];
      execFile('npm', args, { cwd: resolve(import.meta.dirname, '../../..') }, (error, stdout) => {
        if (error === null) done(stdout);
        else fail(new Error(error.message));
      });
    });
    expect(out.trimEnd().split('\n')).toHaveLength(3);
  });
});
