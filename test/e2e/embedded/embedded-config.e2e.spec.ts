import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEmbeddedToExit } from './embedded-process.ts';

describe('npm start refuses a bad setup before opening anything', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'submerge-e2e-config-'));
    dirs.push(dir);
    return dir;
  };

  it('names every bad flag or variable at once and exits 2', async () => {
    const run = await runEmbeddedToExit(['--port', '0', '--log-level', 'loud'], {
      SUBMERGE_FINGERPRINT_POLICY: 'weird',
    });
    expect(run.code).toBe(2);
    for (const name of ['SUBMERGE_HTTP_PORT', 'SUBMERGE_LOG_LEVEL', 'SUBMERGE_FINGERPRINT_POLICY']) {
      expect(run.stderr).toContain(name);
    }
  });

  it('reports every problem of an invalid catalog, and a missing one, with exit 2 and no data directory made', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'bad.yaml');
    writeFileSync(
      catalog,
      'sources:\n  - id: Bad Id\n    urls: [ftp://x]\n  - id: ok\n    urls: [https://example.com/a]\n    interval: 5\n',
    );
    const bad = await runEmbeddedToExit(['--sources', catalog, '--data-dir', join(dir, 'data')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CATALOG_INVALID');
    expect(bad.stderr.match(/\[[A-Z_]+\]/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    const missing = await runEmbeddedToExit([
      '--sources',
      join(dir, 'nope.yaml'),
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('CATALOG_UNREADABLE');
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('refuses --probe without a sing-box binary', async () => {
    const dir = tempDir();
    const run = await runEmbeddedToExit(['--probe', '--data-dir', join(dir, 'data')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PROBER_WITHOUT_SINGBOX');
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
