import type { CachePlugin } from '@oidcflow/core';
import type { KeyringCacheOptions } from './options.js';
import { selectKeyringCache } from './select.js';

export { KEYRING_SERVICE, KeyringUnavailable, keyringAccountFor } from './data-key.js';
export { entryMemoAccountFor } from './entry-memo.js';
export {
  createKeyringCache,
  KEYRING_CACHE_NAME,
  type KeyringCache,
  SEALED_FILE_EXTENSION,
} from './keyring-cache.js';
export { createLazyKeyringCache } from './lazy-cache.js';
export type { CacheFallback, KeyringCacheOptions } from './options.js';
export { selectKeyringCache } from './select.js';

/**
 * What core calls when it finds this package installed: the keyring cache where a keyring
 * answers, else the fallback `cacheFallback` allows (see selectKeyringCache).
 */
export const createPlugin = (options: KeyringCacheOptions): Promise<CachePlugin> =>
  selectKeyringCache(options);
