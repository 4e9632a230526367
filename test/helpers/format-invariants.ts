import { isDeepStrictEqual } from 'node:util';
import { parseSubscription } from '../../services/core/formats/parse-subscription.ts';
import { parseLink } from '../../services/core/formats/links/parse-link.ts';
import { validateConfig } from '../../services/core/validate/validate-config.ts';
import { fingerprint } from '../../services/core/identity/fingerprint.ts';
import { FINGERPRINT_POLICY_LIST } from '../../services/core/identity/fingerprint-policy.ts';
import { CONTAINER_FORMATS, DIAGNOSTIC_CODES, SEVERITIES } from '../../services/core/model/index.ts';
import type { ProxyConfig } from '../../services/core/model/index.ts';
import type { EmitTarget, Emitter } from '../../services/core/emit/emit-result.ts';
import { emitBase64 } from '../../services/core/emit/base64.ts';
import { emitClash } from '../../services/core/emit/clash.ts';
import { emitSingBox } from '../../services/core/emit/sing-box.ts';
import { emitSip008 } from '../../services/core/emit/sip008.ts';
import { emitUri } from '../../services/core/emit/uri.ts';
import { emitXray } from '../../services/core/emit/xray.ts';
import type { FuzzInput } from './format-fuzz.ts';

export const EMITTERS: Readonly<Record<EmitTarget, Emitter>> = {
  uri: emitUri,
  base64: emitBase64,
  clash: emitClash,
  'sing-box': emitSingBox,
  sip008: emitSip008,
  xray: emitXray,
};

const CONTAINERS = new Set<string>(Object.values(CONTAINER_FORMATS));
const CODES = new Set<string>(Object.values(DIAGNOSTIC_CODES));
const SEVERITY_SET = new Set<string>(Object.values(SEVERITIES));
const HEX64 = /^[0-9a-f]{64}$/;

/** A broken invariant; the message names it so a fuzz report says what went wrong. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
  readonly code = 'FUZZ_INVARIANT';
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}

export interface CheckOptions {
  /** Also emit the parsed configs to every target and re-parse the outputs. */
  readonly reemit?: boolean;
}

/**
 * What must hold for any body at all: parsing returns (never throws) a well-formed result
 * with stable codes; every config it yields is a fixpoint of the validation gate and has a
 * fingerprint under every policy; each line on its own also parses without throwing; and,
 * when asked, every target emits the configs and the output parses back to as many configs
 * as were emitted, with the same credential fingerprints.
 */
export function checkBody(body: FuzzInput, options: CheckOptions = {}): number {
  const result = parseSubscription(body);
  check(CONTAINERS.has(result.container), `unknown container ${String(result.container)}`);
  for (const d of result.diagnostics) {
    check(CODES.has(d.code), `unknown diagnostic code ${String(d.code)}`);
    check(SEVERITY_SET.has(d.severity), `unknown severity ${String(d.severity)}`);
    check(typeof d.message === 'string', 'diagnostic without message');
    check(
      d.line === undefined || (Number.isInteger(d.line) && d.line >= 1),
      `bad diagnostic line ${String(d.line)}`,
    );
  }
  const configs: ProxyConfig[] = [];
  for (const parsed of result.configs) {
    const config = parsed.config;
    checkConfig(config);
    configs.push(config);
  }
  if (typeof body === 'string' && body.length < 4096) {
    let line = 0;
    for (const text of body.split('\n')) {
      line += 1;
      const outcome = parseLink(text, { line });
      if (outcome.config !== undefined) checkConfig(outcome.config);
    }
  }
  if (options.reemit === true && configs.length > 0) {
    for (const [target, emit] of Object.entries(EMITTERS)) {
      const emitted = emit(configs);
      check(
        emitted.emitted + emitted.incompatible.length === configs.length,
        `${target}: emitted + incompatible != input`,
      );
      if (emitted.emitted === 0) continue;
      const again = parseSubscription(emitted.output);
      check(
        again.configs.length === emitted.emitted,
        `${target}: re-parsed ${again.configs.length} configs of ${emitted.emitted} emitted`,
      );
      // Converting never changes who a config authenticates as, or where it connects.
      const left = new Set(emitted.incompatible.map((i) => i.index));
      const before = configs
        .filter((_, i) => !left.has(i))
        .map((c) => fingerprint(c))
        .sort();
      const after = again.configs.map((p) => fingerprint(p.config)).sort();
      const changed = after.findIndex((fp, i) => fp !== before[i]);
      check(changed < 0, `${target}: the credential fingerprint of a config changed through the target`);
    }
  }
  return configs.length;
}

function checkConfig(config: ProxyConfig): void {
  const again = validateConfig(config, {});
  const errors = again.diagnostics.filter((d) => d.severity === 'error');
  check(
    errors.length === 0,
    `a parsed ${config.protocol} config fails validation: ${errors.map((e) => e.code).join(',')}`,
  );
  check(
    isDeepStrictEqual(again.config, config),
    `a parsed ${config.protocol} config is not a validation fixpoint`,
  );
  for (const policy of FINGERPRINT_POLICY_LIST) {
    check(HEX64.test(fingerprint(config, policy)), 'fingerprint is not 64 hex chars');
  }
}
