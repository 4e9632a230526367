import { describe, expect, it } from 'vitest';
import { parseShimOptions } from '../../../services/clickhouse-local/options.ts';

describe('parseShimOptions', () => {
  it('applies defaults around the required data directory', () => {
    expect(parseShimOptions(['--data-dir', '/tmp/ch'])).toEqual({
      ok: true,
      options: {
        port: 18123,
        dataDir: '/tmp/ch',
        maxBodyBytes: 256 * 1024 * 1024,
        maxConcurrentQueries: 32,
        logLevel: 'info',
      },
    });
  });

  it('reports every invalid flag by its name', () => {
    const result = parseShimOptions(['--port', '70000', '--max-body-bytes=-1']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('\n')).toMatch(/--port/);
    expect(result.problems.join('\n')).toMatch(/--data-dir/);
    expect(result.problems.join('\n')).toMatch(/--max-body-bytes/);
  });

  it('refuses unknown flags, such as a listen host (it is loopback only)', () => {
    expect(parseShimOptions(['--data-dir', '/tmp/ch', '--host', '0.0.0.0'])).toMatchObject({ ok: false });
  });
});
