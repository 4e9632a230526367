import { EMIT_TARGETS } from '../emit/emit-result.ts';
import type { EmitTarget } from '../emit/emit-result.ts';

/**
 * `GET /sub/auto` picks the format from the User-Agent. First match wins, so specific clients
 * come before the cores they embed (Stash and Clash Verge say "clash" too; Hiddify and Karing
 * embed sing-box but are listed for what they import best). docs/api.md shows this table.
 */
export interface UserAgentRule {
  /** Who the rule is for, as documented. */
  readonly client: string;
  readonly pattern: RegExp;
  readonly format: EmitTarget;
  /** Why this format, when it is a choice. */
  readonly why: string;
}

export const USER_AGENT_RULES: readonly UserAgentRule[] = [
  {
    client: 'Hiddify (HiddifyNext, Hiddify)',
    pattern: /hiddify/i,
    format: EMIT_TARGETS.base64,
    why: 'a link list lets Hiddify apply its own DNS, routing and TLS-fragment settings; a full sing-box profile would replace them, and its embedded core may be older than the sing-box schema we emit',
  },
  {
    client: 'Karing',
    pattern: /karing/i,
    format: EMIT_TARGETS.base64,
    why: 'Karing converts link lists into its own sing-box setup (same reasoning as Hiddify)',
  },
  {
    client: 'NekoBox / NekoRay',
    pattern: /nekobox|nekoray/i,
    format: EMIT_TARGETS.base64,
    why: 'both read link lists without loss (their Clash importer converts and drops what it does not map); their User-Agent also says "ClashMeta", so this rule comes before the Clash one',
  },
  {
    client: 'sing-box apps: SFA (Android), SFI (iOS), SFM (macOS), SFT (tvOS), sing-box CLI',
    pattern: /sing-box|singbox|\bSF[AIMT]\//i,
    format: EMIT_TARGETS.singBox,
    why: 'native format',
  },
  {
    client:
      'Clash family: mihomo, Clash.Meta, Clash Verge (Rev), ClashX, Clash for Windows/Android, FlClash, Clash Nyanpasu, Stash',
    pattern: /mihomo|clash|stash|flclash|nyanpasu/i,
    format: EMIT_TARGETS.clash,
    why: 'native format (mihomo dialect)',
  },
  {
    client: 'v2rayN, v2rayNG',
    pattern: /v2rayn/i,
    format: EMIT_TARGETS.base64,
    why: 'what v2rayN/NG subscriptions are',
  },
  {
    client: 'Shadowrocket',
    pattern: /shadowrocket/i,
    format: EMIT_TARGETS.base64,
    why: 'base64 link list is its subscription format',
  },
  {
    client: 'Streisand',
    pattern: /streisand/i,
    format: EMIT_TARGETS.base64,
    why: 'imports base64 link lists',
  },
  {
    client: 'FoXray, V2Box, Happ, v2rayTun',
    pattern: /foxray|v2box|happ\/|v2raytun/i,
    format: EMIT_TARGETS.base64,
    why: 'import base64 link lists',
  },
  {
    client: 'Xray core tools (xray-core, Xray-*)',
    pattern: /\bxray\b/i,
    format: EMIT_TARGETS.xray,
    why: 'native JSON',
  },
  {
    client: 'Outline / SIP008 clients',
    pattern: /outline|sip008/i,
    format: EMIT_TARGETS.sip008,
    why: 'SIP008 online config',
  },
];

/** What `auto` serves when no rule matches (browsers, curl, unknown clients). */
export const DEFAULT_AUTO_FORMAT: EmitTarget = EMIT_TARGETS.base64;

export interface UserAgentChoice {
  readonly format: EmitTarget;
  /** The matching rule's client, or null for the default. */
  readonly client: string | null;
}

/** User-Agent header values are capped before matching: the header is attacker-controlled. */
const MAX_UA_LENGTH = 512;

export function formatForUserAgent(userAgent: string | undefined): UserAgentChoice {
  if (userAgent === undefined || userAgent === '') return { format: DEFAULT_AUTO_FORMAT, client: null };
  const ua = userAgent.length > MAX_UA_LENGTH ? userAgent.slice(0, MAX_UA_LENGTH) : userAgent;
  for (const rule of USER_AGENT_RULES)
    if (rule.pattern.test(ua)) return { format: rule.format, client: rule.client };
  return { format: DEFAULT_AUTO_FORMAT, client: null };
}
