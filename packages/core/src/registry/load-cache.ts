import { createMemoryCache } from '../cache/memory-cache.js';
import type { CacheFactoryOptions, CachePlugin } from '../spec/cache.js';
import type { Plugin } from '../spec/plugin.js';
import { FIRST_PARTY_CACHE } from './first-party.js';
import { defaultModuleLoader, loadFactory, type ModuleLoader } from './registry.js';
import { validatePlugin } from './validate-plugin.js';

/** One in-memory cache per process, so several instances without a cache plugin share tokens. */
let processMemoryCache: CachePlugin | undefined;

/**
 * The cache for an instance: an explicit cache plugin, else @oidcflow/cache-file when it is
 * installed, else memory. Loads no flow: this is on the cache-hit path.
 */
export async function loadCachePlugin(
  explicit: readonly Plugin[],
  options: CacheFactoryOptions,
  loader: ModuleLoader = defaultModuleLoader,
): Promise<CachePlugin> {
  const given = explicit.find((plugin) => plugin.kind === 'cache');
  if (given) return validatePlugin(given, 'plugins') as CachePlugin;
  const factory = await loadFactory(loader, FIRST_PARTY_CACHE);
  if (factory)
    return validatePlugin(
      (factory as unknown as (o: CacheFactoryOptions) => unknown)(options),
      FIRST_PARTY_CACHE,
    ) as CachePlugin;
  processMemoryCache ??= createMemoryCache();
  return processMemoryCache;
}
