import type { SocksConfig } from '../../model/config.ts';
import type { SchemeParser } from './link-context.ts';
import { parsePort } from './link-parts.ts';
import { parseQuery } from './query.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Telegram proxy links `tg://socks?server=&port=&user=&pass=` (and the same query behind
 * `https://t.me/socks`). `tg://proxy` is MTProto: no place in the model.
 */
export function parseTelegramSocksQuery(
  query: string | undefined,
  ctx: Parameters<SchemeParser>[1],
): SocksConfig | undefined {
  const q = parseQuery(query);
  const server = q.get('server');
  const portText = q.get('port') ?? '1080';
  if (server === undefined || server === '') {
    ctx.sink.error('MISSING_FIELD', 'Telegram socks link has no server');
    return undefined;
  }
  const port = parsePort(portText);
  if (Number.isNaN(port)) {
    ctx.sink.error('INVALID_PORT', 'Telegram socks link has no usable port');
    return undefined;
  }
  const out: Mutable<SocksConfig> = { protocol: 'socks', name: '', server, port, version: '5' };
  const user = q.get('user');
  const pass = q.get('pass');
  if (user !== undefined) out.username = user;
  if (pass !== undefined) out.password = pass;
  return out;
}

export const parseTelegram: SchemeParser = (after, ctx) => {
  const hash = after.indexOf('#');
  const body = hash === -1 ? after : after.slice(0, hash);
  const qs = body.indexOf('?');
  const kind = (qs === -1 ? body : body.slice(0, qs)).replace(/\/$/, '').toLowerCase();
  if (kind !== 'socks') {
    ctx.sink.error('UNKNOWN_SCHEME', `unsupported Telegram link tg://${kind}`);
    return undefined;
  }
  return parseTelegramSocksQuery(qs === -1 ? undefined : body.slice(qs + 1), ctx);
};
