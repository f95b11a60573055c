import { isTime } from '../cache/usable-entry.js';
import type { CacheEntry } from '../spec/cache.js';
import { EXPIRY_SKEW_SECONDS, type TokenKind, type TokenSet } from '../spec/tokens.js';

/**
 * When the ID token expires (epoch ms): its `exp` claim, as kept (bounded when it arrived, see
 * `tokenSetFromResponse`). Undefined without an ID token, or for one whose claims were not kept
 * or whose `exp` no date can hold (an entry cached before the bound): then it cannot be judged,
 * so it is never handed out, and a refresh or login replaces it.
 */
export function idTokenExpiresAt(tokens: TokenSet): number | undefined {
  if (!tokens.idToken) return undefined;
  const exp = tokens.idTokenClaims?.exp;
  const expiresAt = typeof exp === 'number' ? exp * 1000 : undefined;
  return isTime(expiresAt) ? expiresAt : undefined;
}

/** When the token of `kind` expires (epoch ms); undefined when there is no such token. */
function expiresAtOf(tokens: TokenSet, kind: TokenKind): number | undefined {
  return kind === 'id' ? idTokenExpiresAt(tokens) : tokens.expiresAt;
}

/**
 * Whether the token of `kind` is usable: it has more than the skew left, 60 s, or half of its
 * lifetime for tokens that live less than two minutes (else they would never be reused).
 * Each kind is judged on its own expiry: an ID token about to expire is not fresh although
 * the access token beside it has an hour left. An entry another user's sign-in may have
 * ended the session of (`laterSignIn`) is not fresh: a refresh checks it first.
 */
export function isFresh(entry: CacheEntry, now: number, kind: TokenKind = 'access'): boolean {
  if (entry.laterSignIn) return false;
  const expiresAt = expiresAtOf(entry.tokens, kind);
  if (expiresAt === undefined) return false;
  const issuedAt = kind === 'id' ? idTokenIssuedAt(entry) : entry.savedAt;
  const lifetime = expiresAt - issuedAt;
  const skew = Math.min(EXPIRY_SKEW_SECONDS * 1000, Math.max(0, lifetime / 2));
  return expiresAt - skew > now;
}

// `iat` when the claims have it; the entry's save time otherwise (close to it after a login).
function idTokenIssuedAt(entry: CacheEntry): number {
  const iat = entry.tokens.idTokenClaims?.iat;
  return typeof iat === 'number' ? iat * 1000 : entry.savedAt;
}
