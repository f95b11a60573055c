import { createFileCache } from '@oidcflow/cache-file';
import { type CachePlugin, defineCache, ErrorCode, OidcflowError } from '@oidcflow/core';
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
    ready ??= createKeyringCache(options).catch((error: unknown) => {
      ready = undefined; // asked again next time: the keyring may be unlocked by then
      if (!(error instanceof KeyringUnavailable)) throw error;
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
  return defineCache('v2', {
    name: KEYRING_CACHE_NAME,
    get: async (key) => (await cache()).get(key),
    set: async (key, entry) => (await cache()).set(key, entry),
    delete: async (key) => (await cache()).delete(key),
    withLock: async (key, critical, lockOptions) => (await cache()).withLock(key, critical, lockOptions),
    resolvedCachePath: (key) => paths.resolvedCachePath(key),
  });
}
