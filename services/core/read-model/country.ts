/**
 * The country a config's name claims, when it claims one: publishers mark nodes with a flag
 * emoji (two regional indicator symbols, e.g. 🇩🇪 = DE). A name is not proof of where the server
 * is, so the API calls this the country "when known" and never guesses from words or IPs.
 */

const REGIONAL_A = 0x1f1e6;
const REGIONAL_Z = 0x1f1ff;
const A = 'A'.charCodeAt(0);

/** ISO 3166-1 alpha-2 code of the first flag in `name`, upper case; null when there is none. */
export function flagCountry(name: string): string | null {
  let previous = -1;
  for (const char of name) {
    const cp = char.codePointAt(0) ?? 0;
    if (cp >= REGIONAL_A && cp <= REGIONAL_Z) {
      if (previous >= 0) return String.fromCharCode(A + previous, A + (cp - REGIONAL_A));
      previous = cp - REGIONAL_A;
    } else previous = -1;
  }
  return null;
}

/** The first flag found over a config's names (its own name first, then what each source called it). */
export function countryOfNames(names: readonly string[]): string | null {
  for (const name of names) {
    const country = flagCountry(name);
    if (country !== null) return country;
  }
  return null;
}

export const COUNTRY_PATTERN = /^[A-Z]{2}$/;
