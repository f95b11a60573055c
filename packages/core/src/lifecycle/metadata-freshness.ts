import type { CachedMetadata } from '../spec/metadata.js';

/**
 * Whether metadata cached with the tokens may still be used instead of asking the IdP again:
 * younger than the TTL (`metadataTtlSeconds`, default a day). The one rule for it: the
 * runtime's reuse of what it resolved last and idp-context.ts's reuse of a cache entry's.
 */
export function isMetadataFresh(cached: CachedMetadata, now: number, ttlMs: number): boolean {
  return now - cached.fetchedAt < ttlMs;
}
