import type { CacheEntry } from '../spec/cache.js';
import { EXPIRY_SKEW_SECONDS } from '../spec/tokens.js';

/**
 * A cached access token is usable while it has more than the skew left: 60 s, or half of
 * its lifetime for tokens that live less than two minutes (else they would never be reused).
 */
export function isFresh(entry: CacheEntry, now: number): boolean {
  const lifetime = entry.tokens.expiresAt - entry.savedAt;
  const skew = Math.min(EXPIRY_SKEW_SECONDS * 1000, Math.max(0, lifetime / 2));
  return entry.tokens.expiresAt - skew > now;
}
