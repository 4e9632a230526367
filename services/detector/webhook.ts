import { request } from 'undici';
import type { Dispatcher } from 'undici';

export const WEBHOOK_ERROR_CODES = {
  /** The receiver answered 4xx (other than 408/429): the request itself is wrong, retrying will not help. */
  rejected: 'WEBHOOK_REJECTED',
  /** 5xx, 408, 429, a timeout or a network error: worth another try. */
  unavailable: 'WEBHOOK_UNAVAILABLE',
} as const;

export class WebhookError extends Error {
  constructor(
    readonly code: (typeof WEBHOOK_ERROR_CODES)[keyof typeof WEBHOOK_ERROR_CODES],
    readonly retriable: boolean,
    message: string,
    readonly status: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface WebhookOptions {
  readonly url: string;
  readonly timeoutMs?: number;
  /** Injected for tests (a mock agent) or a proxy; default: undici's global dispatcher. */
  readonly dispatcher?: Dispatcher;
  readonly headers?: Readonly<Record<string, string>>;
}

export type PostWebhook = (body: unknown) => Promise<void>;

/** POSTs JSON to one webhook URL with undici; resolves on 2xx, throws a WebhookError otherwise. */
export function createWebhook({
  url,
  timeoutMs = 10_000,
  dispatcher,
  headers = {},
}: WebhookOptions): PostWebhook {
  return async (body) => {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'submerge-alerts', ...headers },
        body: JSON.stringify(body),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
        ...(dispatcher === undefined ? {} : { dispatcher }),
      });
    } catch (cause) {
      throw new WebhookError(
        WEBHOOK_ERROR_CODES.unavailable,
        true,
        `webhook unreachable: ${cause instanceof Error ? cause.message : String(cause)}`,
        null,
        { cause },
      );
    }
    // The body is drained either way so the connection returns to the pool.
    await response.body.dump().catch(() => undefined);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return;
    const retriable = status >= 500 || status === 408 || status === 429;
    throw new WebhookError(
      retriable ? WEBHOOK_ERROR_CODES.unavailable : WEBHOOK_ERROR_CODES.rejected,
      retriable,
      `webhook answered ${status}`,
      status,
    );
  };
}
