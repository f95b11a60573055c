import type { CacheEntry } from '../spec/cache.js';
import type { AuthRuntime } from './runtime.js';

/**
 * Drops `token` from the cached entry when it is the cached access or ID token, because the
 * server it was sent to refused it (git's `erase`, a 401 from an API). The refresh token
 * stays, so the next call refreshes instead of handing the refused token out again; an entry
 * without one is removed (the next call logs in). Returns whether anything was dropped.
 */
export async function rejectToken(runtime: AuthRuntime, token: string): Promise<boolean> {
  const { cache, key } = runtime;
  return cache.withLock(key, async () => {
    const entry = await cache.get(key);
    if (!entry || !token) return false;
    const { tokens } = entry;
    if (token !== tokens.accessToken && token !== tokens.idToken) return false;
    if (!tokens.refreshToken) {
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
