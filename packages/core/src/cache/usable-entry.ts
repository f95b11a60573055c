import type { CacheEntry } from '../spec/cache.js';

/** The largest distance from 1970 a `Date` can hold, in ms (ECMAScript §21.4.1.1). */
const MAX_TIME_MS = 8.64e15;

/** An epoch-ms time a `Date` can hold (so `toISOString` cannot throw "Invalid time value"). */
export const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_TIME_MS;

/**
 * Whether a cache entry can be turned into a token: an access token and times a `Date` can
 * hold. Anything else (a third-party cache's garbage, an entry written before the lifetimes
 * were clamped) is a cache miss, never an exception later ("Invalid time value").
 */
export function isUsableEntry(entry: CacheEntry | undefined): entry is CacheEntry {
  const tokens = entry?.tokens as Partial<CacheEntry['tokens']> | undefined;
  return (
    typeof tokens === 'object' &&
    tokens !== null &&
    typeof tokens.accessToken === 'string' &&
    tokens.accessToken !== '' &&
    isTime(tokens.expiresAt) &&
    isTime(entry?.savedAt)
  );
}
