import type { ApiKey } from '../generated/events.ts';
import type { RenderSettings } from '../core/read-model/render-subscription.ts';
import type { SelectionLimits } from '../core/read-model/subscription-query.ts';

export const READ_AUTH_MODES = {
  /** Subscriptions and data routes are public; keys raise rate limits and unlock admin. */
  open: 'open',
  /** Every route except health, metrics and docs needs a key (reader or admin). */
  key: 'key',
} as const;
export type ReadAuthMode = (typeof READ_AUTH_MODES)[keyof typeof READ_AUTH_MODES];

/** Everything the app needs to know about its deployment, parsed once by the entry point. */
export interface ReadApiSettings {
  /** Random per process start: names this instance's preset access counters. */
  readonly instanceId: string;
  readonly readAuth: ReadAuthMode;
  /** Keys from configuration (hashes only), known before any key event exists. */
  readonly bootstrapKeys: readonly ApiKey[];
  readonly profile: { readonly title: string; readonly updateIntervalHours: number };
  readonly render: RenderSettings;
  readonly selection: SelectionLimits;
  readonly cache: { readonly maxEntries: number; readonly maxBytes: number };
  readonly rateLimit: {
    readonly windowMs: number;
    /** Requests per window from one address without a key. */
    readonly anonymous: number;
    /** Requests per window for one API key. */
    readonly perKey: number;
  };
  readonly bodyLimitBytes: number;
  /**
   * State changes are picked up by renders at most this often: while the pipeline streams
   * updates, every poll would otherwise re-render (a 20,000-config list costs ~100 ms).
   */
  readonly renderCoalesceMs: number;
  /** Fastify's trustProxy: false, true, or the proxies' addresses/CIDRs (client address = X-Forwarded-For). */
  readonly trustProxy: boolean | string;
  /** Page size of /configs when the client gives none, and the largest it may ask for. */
  readonly paging: { readonly defaultLimit: number; readonly maxLimit: number };
}

export const DEFAULT_READ_API_SETTINGS: Omit<ReadApiSettings, 'instanceId'> = {
  readAuth: READ_AUTH_MODES.open,
  bootstrapKeys: [],
  profile: { title: 'submerge', updateIntervalHours: 6 },
  render: { singBox: { naive: false, wireguard: true } },
  selection: { maxLimit: 100_000, maxListValues: 64 },
  cache: { maxEntries: 1_000, maxBytes: 64 * 1024 * 1024 },
  rateLimit: { windowMs: 60_000, anonymous: 600, perKey: 6_000 },
  bodyLimitBytes: 64 * 1024,
  renderCoalesceMs: 1_000,
  trustProxy: false,
  paging: { defaultLimit: 100, maxLimit: 1_000 },
};
