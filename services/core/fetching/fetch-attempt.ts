import type { FetchBody } from '../../generated/events.ts';
import type { FetchOutcome } from '../../shared/events/fetch-outcome.ts';
import type { Validators } from './conditional-get.ts';

/**
 * The facts of one attempt, as the HTTP shell observed them: no interpretation beyond the
 * outcome. The event builder turns this into the `sources.fetched.v1` value.
 */
export interface FetchAttempt {
  readonly sourceId: string;
  readonly url: string;
  readonly urlIndex: number;
  /** 1-based, counted over the whole scheduled fetch (mirrors included). */
  readonly attempt: number;
  readonly startedAt: number;
  readonly outcome: FetchOutcome;
  readonly httpStatus: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** URL of the last response after redirects; null when no response came. */
  readonly finalUrl: string | null;
  readonly redirects: number;
  readonly remoteAddress: string | null;
  readonly dnsMs: number | null;
  readonly connectMs: number | null;
  readonly ttfbMs: number | null;
  readonly totalMs: number;
  readonly wireBytes: number;
  readonly decodedBytes: number;
  /** Reading stopped at a cap. */
  readonly truncated: boolean;
  /** The last response's headers, names lower-cased; null when no response came. */
  readonly responseHeaders: Readonly<Record<string, string>> | null;
  /** The validators sent (conditional GET), if any. */
  readonly sentValidators: Validators | undefined;
  /** The decoded body as stored (compressed); only for outcome ok. */
  readonly body: FetchBody | null;
}
