import { keyOfAccount } from '../cache/account-ref.js';
import { isUsableEntry } from '../cache/usable-entry.js';
import type { CacheEntry } from '../spec/cache.js';
import type { AuthRuntime } from './runtime.js';

/**
 * Drops `token` from the cached entry (of the instance's account) when it is the cached access
 * or ID token, because the server it was sent to refused it (git's `erase`, a 401 from an API).
 * The refresh token stays, so the next call refreshes instead of handing the refused token out
 * again; an entry without one is removed (the next call logs in), unless it lists other
 * accounts, which stay listed. Returns whether anything was dropped.
 */
export async function rejectToken(runtime: AuthRuntime, token: string): Promise<boolean> {
  const { cache } = runtime;
  return runtime.withCacheLock(async () => {
    const base = await cache.get(runtime.key);
    const key = keyOfAccount(runtime.key, isUsableEntry(base) ? base : undefined, runtime.settings.account);
    if (!key) return false;
    const entry = key === runtime.key ? base : await cache.get(key);
    if (!isUsableEntry(entry) || !token) return false;
    const { tokens } = entry;
    if (token !== tokens.accessToken && token !== tokens.idToken) return false;
    if (!tokens.refreshToken && !entry.otherAccounts?.length) {
      await cache.delete(key);
      return true;
    }
    // Expired at once; the ID token goes too, so a refresh brings both anew.
    const { idToken: _idToken, idTokenClaims: _claims, idTokenCarriedOver: _carried, ...rest } = tokens;
    const stale: CacheEntry = { ...entry, tokens: { ...rest, expiresAt: 0 } };
    await cache.set(key, stale);
    return true;
  });
}
