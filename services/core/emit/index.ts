import type { ProxyConfig } from '../model/config.ts';
import { emitBase64 } from './base64.ts';
import { emitClash } from './clash.ts';
import type { EmitOptions, EmitResult, EmitTarget, Emitter } from './emit-result.ts';
import { emitSingBox } from './sing-box.ts';
import { emitSip008 } from './sip008.ts';
import { emitUri } from './uri.ts';
import { emitXray } from './xray.ts';

export * from './emit-result.ts';
export { emitBase64, emitClash, emitSingBox, emitSip008, emitUri, emitXray };
export { shareLink } from './uri.ts';
export type { SingBoxEmitOptions } from './sing-box.ts';

/** One emitter per target; the read API and the CLI pick by name. */
export const EMITTERS: Readonly<Record<EmitTarget, Emitter>> = {
  uri: emitUri,
  base64: emitBase64,
  clash: emitClash,
  'sing-box': emitSingBox,
  sip008: emitSip008,
  xray: emitXray,
};

export function emit(target: EmitTarget, configs: readonly ProxyConfig[], options?: EmitOptions): EmitResult {
  return EMITTERS[target](configs, options);
}

/** MIME type of each target's output, for HTTP responses. */
export const EMIT_CONTENT_TYPES: Readonly<Record<EmitTarget, string>> = {
  uri: 'text/plain; charset=utf-8',
  base64: 'text/plain; charset=utf-8',
  clash: 'text/yaml; charset=utf-8',
  'sing-box': 'application/json; charset=utf-8',
  sip008: 'application/json; charset=utf-8',
  xray: 'application/json; charset=utf-8',
};
