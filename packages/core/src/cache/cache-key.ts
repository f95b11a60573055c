import type { CacheKey, FlowFamily } from '../spec/cache.js';
import { sha256Hex } from './sha256-hex.js';

/**
 * The cache key for a set of settings. Scopes are sorted, so their order does not matter;
 * the issuer is kept exactly (a trailing slash makes another issuer, OIDC Discovery §4.3).
 * Tokens of issuer A can never be found under issuer B.
 */
export function cacheKeyFor(parts: {
  issuer: string;
  clientId: string;
  scopes: readonly string[];
  audience?: string | undefined;
  family: FlowFamily;
  /** The `sub` of an account other than the current one (see `CacheKey.account`). */
  account?: string | undefined;
  /** DPoP-bound tokens (`dpop: true`): kept apart from the bearer tokens of the same settings. */
  dpop?: boolean | undefined;
  /** A step-up's requirement (see `CacheKey.requirement`). */
  requirement?: string | undefined;
}): CacheKey {
  const issuer = parts.issuer;
  const scopes = [...new Set(parts.scopes)].sort();
  const fields: unknown[] = [issuer, parts.clientId, scopes, parts.audience ?? null, parts.family];
  // Only when given: the settings' own key stays what it was before accounts existed.
  if (parts.account !== undefined) fields.push({ account: parts.account });
  // Likewise: a Bearer entry cached before dpop was switched on is never found for dpop.
  if (parts.dpop) fields.push({ dpop: true });
  if (parts.requirement !== undefined) fields.push({ requirement: parts.requirement });
  const id = sha256Hex(JSON.stringify(fields)).slice(0, 32);
  const key: CacheKey = { id, issuer, clientId: parts.clientId, scopes, family: parts.family };
  if (parts.audience !== undefined) key.audience = parts.audience;
  if (parts.account !== undefined) key.account = parts.account;
  if (parts.dpop) key.dpop = true;
  if (parts.requirement !== undefined) key.requirement = parts.requirement;
  return key;
}
