import type { ProxyConfig } from '../model/config.ts';
import type { EmitOptions, Incompatibility, Rejection } from './emit-result.ts';
import { displayName } from './unique-names.ts';

/** Records a config a target left out, labelled with its identity when the caller gave one. */
export function leftOut(
  config: ProxyConfig,
  index: number,
  rejection: Rejection,
  options: EmitOptions | undefined,
): Incompatibility {
  const base = {
    index,
    name: displayName(config),
    protocol: config.protocol,
    code: rejection.code,
    reason: rejection.reason,
  };
  return options?.fingerprint === undefined ? base : { ...base, fingerprint: options.fingerprint(config) };
}
