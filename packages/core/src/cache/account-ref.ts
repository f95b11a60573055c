import type { AccountRef, CacheEntry, CacheKey } from '../spec/cache.js';
import type { TokenSet } from '../spec/tokens.js';
import { cacheKeyFor } from './cache-key.js';

/** The account of validated ID token claims: `sub`, with `preferred_username` and `email` when given. */
export function accountOfTokens(tokens: TokenSet | undefined): AccountRef | undefined {
  const claims = tokens?.idTokenClaims;
  if (!claims || typeof claims.sub !== 'string' || claims.sub === '') return undefined;
  const account: AccountRef = { sub: claims.sub };
  if (typeof claims.preferred_username === 'string' && claims.preferred_username !== '')
    account.username = claims.preferred_username;
  if (typeof claims.email === 'string' && claims.email !== '') account.email = claims.email;
  return account;
}

/** Whose tokens an entry holds: its `account`, or (an entry written before accounts) its ID token's. */
export function accountOfEntry(entry: CacheEntry | undefined): AccountRef | undefined {
  return entry?.account ?? accountOfTokens(entry?.tokens);
}

/**
 * Whether `name` names the account: its `sub` exactly, or its user name or e-mail address
 * without regard to case (as IdPs compare them at login).
 */
export function isAccountNamed(account: AccountRef | undefined, name: string): boolean {
  if (!account) return false;
  if (account.sub === name) return true;
  const lower = name.toLowerCase();
  return account.username?.toLowerCase() === lower || account.email?.toLowerCase() === lower;
}

/** How an account is shown: its user name, else its e-mail address, else its `sub`. */
export function accountLabel(account: AccountRef): string {
  return account.username ?? account.email ?? account.sub;
}

/** Where an account other than the current one is kept: the settings' key with its `sub`. */
export function accountKey(key: CacheKey, sub: string): CacheKey {
  return cacheKeyFor({ ...key, account: sub });
}

/**
 * Where the entry of the account `name` is kept, from the settings' own entry `base`: `key`
 * itself without a name or when `base` holds that account, the account's key when `base` lists
 * it among the others, undefined when no such account is known.
 */
export function keyOfAccount(
  key: CacheKey,
  base: CacheEntry | undefined,
  name: string | undefined,
): CacheKey | undefined {
  if (name === undefined || isAccountNamed(accountOfEntry(base), name)) return key;
  const other = base?.otherAccounts?.find((account) => isAccountNamed(account, name));
  return other ? accountKey(key, other.sub) : undefined;
}
