import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../../generated/events.ts';

export const ROLES = { reader: 'reader', admin: 'admin' } as const;
export type Role = (typeof ROLES)[keyof typeof ROLES];
export const ROLE_LIST: readonly Role[] = Object.values(ROLES);

export function isRole(value: string): value is Role {
  return (ROLE_LIST as readonly string[]).includes(value);
}

/** An admin may do everything a reader may. */
export function roleAllows(held: Role, needed: Role): boolean {
  return held === ROLES.admin || held === needed;
}

/**
 * Keys look like `smk_<id>_<secret>`: the id is public (logs, audit, revocation name it), the
 * secret is 32 random bytes. Only SHA-256 of the secret is stored: with that much entropy a
 * plain hash is as good as a slow one, and it keeps every authenticated request cheap.
 */
export const KEY_PATTERN = /^smk_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;
export const KEY_ID_PATTERN = /^[a-f0-9]{16}$/;

export interface PresentedKey {
  readonly id: string;
  readonly secret: string;
}

export function parsePresentedKey(text: string): PresentedKey | null {
  const match = KEY_PATTERN.exec(text);
  if (match === null) return null;
  return { id: match[1] as string, secret: match[2] as string };
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function formatKey(id: string, secret: string): string {
  return `smk_${id}_${secret}`;
}

export const AUTH_OUTCOMES = {
  ok: 'ok',
  malformed: 'malformed',
  unknown: 'unknown',
  wrongSecret: 'wrong-secret',
  revoked: 'revoked',
} as const;
export type AuthOutcome =
  | { readonly outcome: 'ok'; readonly key: ApiKey; readonly role: Role }
  | { readonly outcome: 'malformed' | 'unknown' | 'wrong-secret' | 'revoked'; readonly keyId: string | null };

/** Checks a presented key against the known keys (the read model's keys topic plus bootstrap keys). */
export function authenticate(presented: string, lookup: (id: string) => ApiKey | undefined): AuthOutcome {
  const parsed = parsePresentedKey(presented);
  if (parsed === null) return { outcome: AUTH_OUTCOMES.malformed, keyId: null };
  const key = lookup(parsed.id);
  if (key === undefined) return { outcome: AUTH_OUTCOMES.unknown, keyId: parsed.id };
  const expected = Buffer.from(key.secretSha256, 'hex');
  const actual = Buffer.from(secretHash(parsed.secret), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    return { outcome: AUTH_OUTCOMES.wrongSecret, keyId: parsed.id };
  }
  if (key.revokedAt !== null) return { outcome: AUTH_OUTCOMES.revoked, keyId: parsed.id };
  if (!isRole(key.role)) return { outcome: AUTH_OUTCOMES.unknown, keyId: parsed.id };
  return { outcome: AUTH_OUTCOMES.ok, key, role: key.role };
}

/**
 * Bootstrap keys from configuration, `id:role:sha256hex` separated by commas (hashes only: a
 * secret never sits in the environment). They let the first admin in before any key event exists.
 */
export function parseBootstrapKeys(text: string): { keys: ApiKey[]; problems: string[] } {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  for (const [index, part] of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .entries()) {
    const [id = '', role = '', hash = '', ...rest] = part.split(':');
    if (rest.length > 0 || !KEY_ID_PATTERN.test(id) || !isRole(role) || !/^[a-f0-9]{64}$/.test(hash)) {
      problems.push(`entry ${index + 1}: expected <16 hex id>:<reader|admin>:<64 hex sha256>`);
      continue;
    }
    keys.push({
      metadata: {
        eventId: `bootstrap-${id}`,
        eventTime: 0,
        producer: 'config',
        correlationId: `bootstrap-${id}`,
        causationId: null,
      },
      id,
      role,
      secretSha256: hash,
      label: 'bootstrap (configuration)',
      createdAt: 0,
      revokedAt: null,
    });
  }
  return { keys, problems };
}

/** The public view of a key (never its hash). */
export function keyView(key: ApiKey) {
  return {
    id: key.id,
    role: key.role,
    label: key.label,
    createdAt: new Date(key.createdAt).toISOString(),
    revokedAt: key.revokedAt === null ? null : new Date(key.revokedAt).toISOString(),
  };
}
