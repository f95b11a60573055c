import { createFileCache } from '@oidcflow/cache-file';
import type { CachePlugin } from '@oidcflow/core';
import { KeyringUnavailable } from './data-key.js';
import {
  createKeyringCache,
  KEYRING_CACHE_NAME,
  type KeyringCache,
  SEALED_FILE_EXTENSION,
} from './keyring-cache.js';
import type { KeyringCacheOptions } from './options.js';

/**
 * The keyring cache for callers that need a plugin synchronously (the conformance harness,
 * a `plugins: [...]` list built without `await`): the keyring is asked on first use, and a
 * keyring that does not answer fails that use with CACHE_KEYRING_UNAVAILABLE. No fallback:
 * choose `selectKeyringCache` (or core's `cache` option) for that.
 */
export function createLazyKeyringCache(
  options: KeyringCacheOptions = {},
): CachePlugin & Required<Pick<CachePlugin, 'withLock' | 'resolvedCachePath'>> {
  let ready: Promise<KeyringCache> | undefined;
  const cache = () => {
    ready ??= createKeyringCache(options).catch(async (error: unknown) => {
      ready = undefined; // asked again next time: the keyring may be unlocked by then
      if (!(error instanceof KeyringUnavailable)) throw error;
      // Core only where it throws (select.ts, "core off the hit").
      const { ErrorCode, OidcflowError } = await import('@oidcflow/core');
      throw new OidcflowError(
        ErrorCode.CACHE_KEYRING_UNAVAILABLE,
        `No OS keyring answers here: ${error.message}. Start a Secret Service (gnome-keyring) in this session, or use the file cache.`,
      );
    });
    return ready;
  };
  // Only for paths: the same names the keyring cache uses, without asking the keyring.
  const paths = createFileCache({
    ...options,
    codec: {
      fileExtension: SEALED_FILE_EXTENSION,
      encode: () => Promise.reject(new Error('unused')),
      decode: () => Promise.reject(new Error('unused')),
    },
  });
  // Written for specification v2 (not the installed core's constant: that check could not fail).
  // What core's defineCache returns, written out: this package imports nothing of core on a hit
  // (select.ts, "core off the hit").
  return {
    kind: 'cache',
    specificationVersion: 'v2',
    name: KEYRING_CACHE_NAME,
    get: async (key) => (await cache()).get(key),
    set: async (key, entry) => (await cache()).set(key, entry),
    delete: async (key) => (await cache()).delete(key),
    withLock: async (key, critical, lockOptions) => (await cache()).withLock(key, critical, lockOptions),
    resolvedCachePath: (key) => paths.resolvedCachePath(key),
  };
}
