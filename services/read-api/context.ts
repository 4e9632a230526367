import type { FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { ApiKey } from '../generated/events.ts';
import type { Analytics } from '../shared/analytics/analytics-service.ts';
import type { ReadState } from '../core/read-model/read-state.ts';
import type { Materializer } from './materializer.ts';
import type { Publisher } from './publisher.ts';
import type { ReadApiMetrics } from './read-api-metrics.ts';
import type { RenderCache } from './render-cache.ts';
import type { ReadApiSettings } from './settings.ts';
import { ApiError } from './errors.ts';

/** What the app plugin is given: the state, its materializer, the event writer, settings. */
export interface ReadApiDeps {
  readonly state: ReadState;
  readonly materializer: Pick<Materializer, 'isReady' | 'isLive' | 'lag' | 'phase'>;
  readonly publisher: Publisher;
  readonly settings: ReadApiSettings;
  readonly registry: Registry;
  readonly metrics: ReadApiMetrics;
  readonly now?: () => number;
  /** History from ClickHouse (services/read-api/analytics); its routes are served when given. */
  readonly analytics?: Analytics;
}

/** What routes share: the deps plus the caches and helpers the app builds once. */
export interface ReadApiContext extends ReadApiDeps {
  readonly now: () => number;
  readonly cache: RenderCache;
  /** The state generation renders are keyed by: follows the state, at most once per renderCoalesceMs. */
  readonly renderGeneration: () => number;
  readonly lookupKey: (id: string) => ApiKey | undefined;
  /** preHandler: 503 NOT_READY until the state caught up. */
  readonly requireReady: (request: FastifyRequest) => Promise<void>;
}

export function requireReadyWith(materializer: ReadApiDeps['materializer']) {
  return (_request: FastifyRequest): Promise<void> =>
    materializer.isReady() ? Promise.resolve() : Promise.reject(new ApiError('NOT_READY'));
}
