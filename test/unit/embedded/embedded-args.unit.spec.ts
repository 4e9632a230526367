import { describe, expect, it } from 'vitest';
import { DEFAULT_SOURCES_FILE, parseEmbeddedArgs } from '../../../services/embedded/embedded-args.ts';
import { loadConfig } from '../../../services/shared/config/load-config.ts';

const parse = (argv: readonly string[], env: Record<string, string> = {}) => {
  let out = '';
  const result = parseEmbeddedArgs(argv, env, (text) => {
    out += text;
  });
  return { result, out };
};

describe('npm start arguments', () => {
  it('defaults to the shipped catalog, loopback:8080, ./.data and warn, in embedded mode', () => {
    const { result } = parse([]);
    if (result.kind !== 'run') throw new Error('expected a run');
    const config = loadConfig(result.env);
    expect(config).toMatchObject({
      SUBMERGE_MODE: 'embedded',
      SUBMERGE_SOURCES_FILE: DEFAULT_SOURCES_FILE,
      SUBMERGE_HTTP_HOST: '127.0.0.1',
      SUBMERGE_HTTP_PORT: 8080,
      SUBMERGE_DATA_DIR: '.data',
      SUBMERGE_LOG_LEVEL: 'warn',
      SUBMERGE_EMBEDDED_PROBER: false,
    });
    expect(DEFAULT_SOURCES_FILE).toMatch(/catalog\/sources\.default\.yaml$/);
  });

  it('maps each flag onto its SUBMERGE_* name, a flag winning over the environment', () => {
    const { result } = parse(
      [
        '--sources',
        'x.yaml',
        '--port',
        '9090',
        '--host',
        '0.0.0.0',
        '--data-dir',
        '/var/lib/s',
        '--log-level',
        'info',
        '--probe',
        '--singbox-bin',
        '/bin/sb',
      ],
      { SUBMERGE_HTTP_PORT: '7070', SUBMERGE_SOURCES_FILE: 'env.yaml', SUBMERGE_MODE: 'distributed' },
    );
    if (result.kind !== 'run') throw new Error('expected a run');
    expect(loadConfig(result.env)).toMatchObject({
      SUBMERGE_MODE: 'embedded',
      SUBMERGE_SOURCES_FILE: 'x.yaml',
      SUBMERGE_HTTP_PORT: 9090,
      SUBMERGE_HTTP_HOST: '0.0.0.0',
      SUBMERGE_DATA_DIR: '/var/lib/s',
      SUBMERGE_LOG_LEVEL: 'info',
      SUBMERGE_EMBEDDED_PROBER: true,
      SUBMERGE_SINGBOX_BIN: '/bin/sb',
    });
  });

  it('keeps environment values no flag overrides', () => {
    const { result } = parse([], { SUBMERGE_SOURCES_FILE: 'env.yaml', SUBMERGE_LOG_LEVEL: 'debug' });
    if (result.kind !== 'run') throw new Error('expected a run');
    expect(loadConfig(result.env)).toMatchObject({
      SUBMERGE_SOURCES_FILE: 'env.yaml',
      SUBMERGE_LOG_LEVEL: 'debug',
    });
  });

  it('leaves validation to the one config schema, which reports every bad value at once', () => {
    const { result } = parse(['--port', '70000', '--log-level', 'loud']);
    if (result.kind !== 'run') throw new Error('expected a run');
    expect(() => loadConfig(result.env)).toThrow(
      /SUBMERGE_LOG_LEVEL[\s\S]*SUBMERGE_HTTP_PORT|SUBMERGE_HTTP_PORT[\s\S]*SUBMERGE_LOG_LEVEL/,
    );
  });

  it('exits 0 after --help and 2 on an unknown flag', () => {
    const help = parse(['--help']);
    expect(help.result).toEqual({ kind: 'exit', code: 0 });
    expect(help.out).toContain('--data-dir <dir>');
    expect(parse(['--bogus']).result).toEqual({ kind: 'exit', code: 2 });
  });
});
