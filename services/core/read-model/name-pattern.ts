import { RE2JS } from 're2js';
import safeRegex from 'safe-regex2';

/**
 * User-supplied name filters are regular expressions run against every config name, so one
 * crafted pattern (`(a+)+$`) must not pin a core. Three bounds: a length cap; a policy check
 * refusing patterns a backtracking engine would blow up on (safe-regex2: nested quantifiers,
 * too many repetitions), so clients learn their pattern is bad; and matching itself runs on
 * re2js, an RE2 port whose time is linear in the input whatever the pattern (it has no
 * back-references or look-arounds, which are refused as invalid).
 */
export const MAX_PATTERN_LENGTH = 128;
/** safe-regex2's repetition limit: more quantified groups than this in one pattern is refused. */
const MAX_REPETITIONS = 10;

export const PATTERN_ISSUES = {
  tooLong: 'REGEX_TOO_LONG',
  invalid: 'REGEX_INVALID',
  unsafe: 'REGEX_UNSAFE',
} as const;
export type PatternIssue = (typeof PATTERN_ISSUES)[keyof typeof PATTERN_ISSUES];

export interface NameMatcher {
  readonly source: string;
  /** True when the pattern matches anywhere in `name` (case-insensitive). */
  test(name: string): boolean;
}

export function compileNamePattern(source: string): NameMatcher | PatternIssue {
  if (source.length > MAX_PATTERN_LENGTH) return PATTERN_ISSUES.tooLong;
  let re2: RE2JS;
  try {
    re2 = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch {
    return PATTERN_ISSUES.invalid;
  }
  let native: RegExp | null = null;
  try {
    native = new RegExp(source, 'u');
  } catch {
    // RE2 syntax that JS lacks (e.g. `(?i)`) is fine: only the safety policy needs a RegExp.
  }
  if (native !== null && !safeRegex(native, { limit: MAX_REPETITIONS })) return PATTERN_ISSUES.unsafe;
  return { source, test: (name) => re2.test(name) };
}
