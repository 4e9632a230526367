import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../../services/shared/logger.ts';
import { stopOnSignals } from '../../../../services/shared/runtime/shutdown.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('stopOnSignals', () => {
  it('stops everything on the first signal and exits 0 once all stopped', async () => {
    const exit = vi.fn();
    const stopped: string[] = [];
    const remove = stopOnSignals(
      ['a', 'b'].map((name) => ({ stop: () => Promise.resolve(void stopped.push(name)) })),
      { logger, signals: ['SIGUSR2'], exit },
    );
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
      expect(stopped.sort()).toEqual(['a', 'b']);
    } finally {
      remove();
    }
  });

  it('exits 1 at once on a second signal while stopping, and 1 when a stop fails', async () => {
    const exit = vi.fn();
    let finish: () => void = () => {};
    const remove = stopOnSignals(
      [
        { stop: () => new Promise<void>((resolve) => (finish = resolve)) },
        { stop: () => Promise.reject(new Error('broker gone')) },
      ],
      { logger, signals: ['SIGUSR2'], exit },
    );
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      process.emit('SIGUSR2', 'SIGUSR2');
      expect(exit).toHaveBeenCalledWith(1);
      finish();
      await vi.waitFor(() => expect(exit).toHaveBeenCalledTimes(2));
      expect(exit).toHaveBeenLastCalledWith(1);
    } finally {
      remove();
    }
  });
});
