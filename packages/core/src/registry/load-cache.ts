import { createMemoryCache } from '../cache/memory-cache.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { CacheFactoryOptions, CachePlugin } from '../spec/cache.js';
import type { Plugin } from '../spec/plugin.js';
import { FIRST_PARTY_CACHE, FIRST_PARTY_KEYRING_CACHE, installHint } from './first-party.js';
import { defaultModuleLoader, loadFactory, type ModuleLoader } from './registry.js';
import { validatePlugin } from './validate-plugin.js';

/** One in-memory cache per process, so several instances without a cache plugin share tokens. */
let processMemoryCache: CachePlugin | undefined;

/**
 * The cache for an instance: an explicit cache plugin, else (under `cache: 'auto'`)
 * @oidcflow/cache-keyring when installed, which falls back to the file cache by itself where no
 * keyring answers, else @oidcflow/cache-file when installed, else memory. `cache: 'keyring'` or
 * `'file'` asks for one package by name. Loads no flow: this is on the cache-hit path.
 */
export async function loadCachePlugin(
  explicit: readonly Plugin[],
  options: CacheFactoryOptions,
  loader: ModuleLoader = defaultModuleLoader,
): Promise<CachePlugin> {
  const given = explicit.find((plugin) => plugin.kind === 'cache');
  if (given) return validatePlugin(given, 'plugins') as CachePlugin;
  const request = options.cacheRequest ?? 'auto';
  if (request !== 'auto' && request !== 'keyring' && request !== 'file') {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `cache must be "auto", "keyring" or "file" (got ${JSON.stringify(request)}).`,
    );
  }
  const candidates =
    request === 'keyring'
      ? [FIRST_PARTY_KEYRING_CACHE]
      : request === 'file'
        ? [FIRST_PARTY_CACHE]
        : [FIRST_PARTY_KEYRING_CACHE, FIRST_PARTY_CACHE];
  for (const packageName of candidates) {
    const factory = await loadFactory(loader, packageName);
    if (!factory) continue;
    // A factory may answer a promise: the keyring cache asks the OS keyring first.
    const plugin = await (factory as unknown as (o: CacheFactoryOptions) => unknown)({
      ...options,
      cacheRequest: request,
    });
    return validatePlugin(plugin, packageName) as CachePlugin;
  }
  if (request !== 'auto') {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `cache: '${request}' needs the package ${candidates[0]}, which is not installed. Install it: ${installHint(candidates[0] as string)}.`,
    );
  }
  processMemoryCache ??= createMemoryCache();
  return processMemoryCache;
}
