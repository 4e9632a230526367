/** Bounds on one parse: a hostile or broken body costs bounded time and memory. */
export interface ParseLimits {
  /** Body size in bytes (UTF-8); larger bodies are refused with BODY_TOO_LARGE. */
  readonly maxBytes: number;
  /** Longest line read in a line-based body; longer lines get LINE_TOO_LONG. */
  readonly maxLineLength: number;
  /** Links + structured entries read per body; the rest is reported, not read. */
  readonly maxEntries: number;
  /** Deepest bracket / indentation nesting accepted in JSON or YAML. */
  readonly maxDepth: number;
  /** YAML alias expansions (billion-laughs guard, passed to the yaml library). */
  readonly maxAliasCount: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxBytes: 32 * 1024 * 1024,
  maxLineLength: 64 * 1024,
  maxEntries: 250_000,
  maxDepth: 64,
  maxAliasCount: 100,
};
