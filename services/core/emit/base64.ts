import type { ProxyConfig } from '../model/config.ts';
import type { EmitOptions, EmitResult } from './emit-result.ts';
import { emitUri } from './uri.ts';

/**
 * The v2rayN / Shadowrocket subscription body: the share-link list (same links, same
 * left-out configs as the uri target) as one line of standard, padded base64. Standard
 * padded base64 is what v2rayN exports and what every importer in formats.md §3.2 decodes;
 * no line wrapping, because some importers do not strip MIME line breaks.
 */
export function emitBase64(configs: readonly ProxyConfig[], options: EmitOptions = {}): EmitResult {
  const list = emitUri(configs, options);
  return { ...list, output: Buffer.from(list.output, 'utf8').toString('base64') };
}
