import { describe, expect, it } from 'vitest';
import { createLogger, processorLogger } from '../../../../services/shared/logger.ts';

function collector() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('createLogger', () => {
  it('writes JSON lines with the service, a level label, an ISO time and child bindings', () => {
    const { lines, destination } = collector();
    const root = createLogger({ service: 'merger', destination });
    processorLogger(root, { processor: 'merger', topic: 'configs.observed.v1', partition: 3 }).warn(
      { lag: 5 },
      'behind',
    );
    const entry = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(entry).toMatchObject({
      service: 'merger',
      level: 'warn',
      processor: 'merger',
      topic: 'configs.observed.v1',
      partition: 3,
      lag: 5,
      msg: 'behind',
    });
    expect(entry['time']).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('honours the level', () => {
    const { lines, destination } = collector();
    const root = createLogger({ service: 's', level: 'warn', destination });
    root.info('hidden');
    root.error('shown');
    expect(lines).toHaveLength(1);
  });
});
