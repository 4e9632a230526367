import type { ProxyConfig } from './config.ts';
import type { ContainerFormat } from './container.ts';
import type { Diagnostic } from './diagnostic.ts';

/** Where in the input a config came from, for explanations and diagnostics. */
export interface ConfigOrigin {
  readonly line: number;
  /** The scheme or container entry type it was read from (e.g. `hy2`, `clash:hysteria2`). */
  readonly from: string;
}

export interface ParsedConfig {
  readonly config: ProxyConfig;
  readonly origin: ConfigOrigin;
}

/** Metadata a body may carry about itself (hiddify `//profile-title:` lines, SIP008 bytes). */
export interface SubscriptionMetadata {
  readonly profileTitle?: string;
  readonly updateIntervalHours?: number;
  readonly userinfo?: {
    readonly upload?: number;
    readonly download?: number;
    readonly total?: number;
    readonly expire?: number;
  };
  readonly supportUrl?: string;
  readonly webPageUrl?: string;
}

/** One bad line never loses the good ones: configs and diagnostics come back together. */
export interface ParseResult {
  readonly container: ContainerFormat;
  readonly configs: readonly ParsedConfig[];
  readonly diagnostics: readonly Diagnostic[];
  readonly metadata: SubscriptionMetadata;
  /**
   * Structured entries recognised as non-proxies (sing-box selector / urltest / direct / block /
   * dns, Xray freedom / blackhole / dns), by entry type such as `sing-box:selector`: skipped
   * without a diagnostic but counted, so every entry of a body is accounted for. Absent when none.
   */
  readonly nonProxyEntries?: Readonly<Record<string, number>>;
}
