import type { CachePluginFactory } from '@oidcflow/core';
import { createFileCache } from './file-cache.js';

export { createFileCache, FILE_CACHE_NAME, type FileCache } from './file-cache.js';
export {
  CACHE_FORMAT_VERSION,
  type CacheDocument,
  parseCacheDocument,
  serializeCacheDocument,
} from './format/cache-document.js';
export { defaultCacheDirectory, resolveCacheDirectory } from './location/cache-directory.js';
export { FILE_CACHE_DEFAULTS, type FileCacheCodec, type FileCacheOptions } from './options.js';

/** What core calls when it finds this package installed. */
export const createPlugin: CachePluginFactory = (options) => createFileCache(options);
