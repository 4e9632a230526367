/**
 * Splits a line that may hold several links glued together. Placeholder until the share-link
 * work's splitGluedLinks lands; then this forwards to it.
 */
export function splitLinks(line: string): readonly string[] {
  return [line];
}
