/**
 * Deepest `[` / `{` nesting in a text, ignoring quoting (an over-estimate is harmless: real
 * subscriptions nest a handful of levels). Lets a parse refuse pathological input cheaply
 * instead of spending seconds in a recursive parser.
 */
export function maxBracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return max;
}
