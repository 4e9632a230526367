import type { FetchErrorCode } from '../core/fetching/fetch-failure.ts';

/**
 * A failure the fetcher detected itself (a blocked address, a cap, a redirect loop). Callers
 * match on `code`. Sizes travel along so the event still says how far reading got.
 */
export interface FetchError extends Error {
  readonly code: FetchErrorCode;
  readonly retriable: boolean;
  readonly wireBytes?: number;
  readonly decodedBytes?: number;
}

export function fetchError(
  code: FetchErrorCode,
  message: string,
  extra: { readonly cause?: unknown; readonly wireBytes?: number; readonly decodedBytes?: number } = {},
): FetchError {
  const error = new Error(message, extra.cause === undefined ? undefined : { cause: extra.cause });
  return Object.assign(error, {
    name: 'FetchError',
    code,
    retriable: false,
    ...(extra.wireBytes === undefined ? {} : { wireBytes: extra.wireBytes }),
    ...(extra.decodedBytes === undefined ? {} : { decodedBytes: extra.decodedBytes }),
  });
}

/** The stable code of whatever a request threw: ours, undici's, node's; UNKNOWN otherwise. */
export function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code } = error as { code?: unknown };
    if (typeof code === 'string' && code !== '') return code;
  }
  return 'UNKNOWN';
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    // AggregateError (happy eyeballs over several addresses) hides the useful part in `errors`.
    if (error instanceof AggregateError && error.errors.length > 0)
      return error.errors.map(messageOf).join('; ');
    return error.message;
  }
  return String(error);
}
