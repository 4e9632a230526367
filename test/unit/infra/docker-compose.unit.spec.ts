import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_NAMES } from '../../../services/shared/config/env-schema.ts';

// The compose stack cannot run here (no Docker engine); this keeps it honest by checking
// everything that can be checked statically against the code it deploys.
const repoRoot = resolve(import.meta.dirname, '../../..');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, unknown>;
  healthcheck?: { test?: unknown };
  volumes?: string[];
  ports?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), {
  merge: true,
}) as ComposeFile;
const services = Object.entries(compose.services);
const submergeServices = services.filter(([, s]) => s.image?.startsWith('submerge:'));

/** Deployable services are the folders under services/ with a main.ts (or, for HTTP apps, server.ts) entry point. */
function deployableServices(): string[] {
  const hasEntry = (name: string) =>
    existsSync(join(repoRoot, 'services', name, 'main.ts')) ||
    existsSync(join(repoRoot, 'services', name, 'server.ts'));
  return readdirSync(join(repoRoot, 'services'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && hasEntry(d.name))
    .map((d) => d.name)
    .filter((name) => !['cli', 'embedded', 'clickhouse-local'].includes(name));
}

describe('docker-compose.yml', () => {
  it('runs Kafka, a schema registry and ClickHouse', () => {
    const images = services.map(([, s]) => s.image ?? '');
    expect(images.some((i) => i.startsWith('apache/kafka:'))).toBe(true);
    expect(images.some((i) => i.startsWith('confluentinc/cp-schema-registry:'))).toBe(true);
    expect(images.some((i) => i.startsWith('clickhouse/clickhouse-server:'))).toBe(true);
  });

  it('pins every image to an explicit version', () => {
    for (const [name, service] of services) {
      expect(service.image, name).toMatch(/^[a-z0-9./_-]+:\d+(\.\d+)+$/);
    }
  });

  it('gives every service a healthcheck', () => {
    for (const [name, service] of services) {
      expect(service.healthcheck?.test, name).toBeDefined();
    }
  });

  it('declares every named volume it mounts', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (!source.startsWith('.') && !source.startsWith('/'))
          expect(declared, `${name}: ${source}`).toContain(source);
      }
    }
  });

  it('targets the ClickHouse server version the migrations are written for (24.8+)', () => {
    const image = services
      .map(([, s]) => s.image ?? '')
      .find((i) => i.startsWith('clickhouse/clickhouse-server:'));
    const [major, minor] = (image?.split(':')[1] ?? '0.0').split('.').map(Number);
    expect((major ?? 0) * 100 + (minor ?? 0)).toBeGreaterThanOrEqual(2408);
  });

  it('passes submerge services only environment names the config schema knows', () => {
    for (const [name, service] of submergeServices) {
      for (const key of Object.keys(service.environment ?? {})) {
        expect(ENV_NAMES, `${name}: ${key}`).toContain(key);
      }
    }
  });

  it('runs every deployable service from the one image, each with an entry point that exists', () => {
    const inCompose = submergeServices.map(([name]) => name).sort();
    expect(inCompose).toEqual(deployableServices().sort());
    for (const [name, service] of submergeServices) {
      const command = Array.isArray(service.command) ? service.command : (service.command ?? '').split(' ');
      const entry = command.find((part) => part.endsWith('.ts'));
      expect(entry, name).toBeDefined();
      expect(existsSync(join(repoRoot, entry ?? '')), `${name}: ${entry}`).toBe(true);
    }
  });
});
