import { recordedKeyringFallback } from '../cache/keyring-fallback-notice.js';
import { createMemoryCache } from '../cache/memory-cache.js';
import { sessionBusMissing } from '../cache/session-bus.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { CacheFactoryOptions, CacheKey, CachePlugin } from '../spec/cache.js';
import type { Plugin } from '../spec/plugin.js';
import { FIRST_PARTY_CACHE, FIRST_PARTY_KEYRING_CACHE, installHint } from './first-party.js';
import { defaultModuleLoader, loadFactory, type ModuleLoader } from './registry.js';
import { validatePlugin } from './validate-plugin.js';

/** One in-memory cache per process, so several instances without a cache plugin share tokens. */
let processMemoryCache: CachePlugin | undefined;

const { dirname } = process.getBuiltinModule('node:path');

/**
 * The seam "a recorded fallback skips the keyring cache": where no session bus exists here
 * (session-bus.ts) and the keyring cache already fell back to the file cache at `key`'s location
 * and said so (keyring-fallback-notice.ts), that file cache, without loading
 * @oidcflow/cache-keyring to learn the same again. SSH hosts, CI runners and containers run
 * `oidcflow token` for every kubectl or git command. Anything else (a bus, no notice, one that
 * does not say what was said) is left to the keyring cache, which decides, records and says it.
 * Measured on Node 20 against the build before it (new processes, interleaved, wall medians,
 * 2026-12-07): the CLI's default `oidcflow token` from a warm cache without D-Bus 1.0, 0.2 and
 * 2.3 ms less (100 rounds each); a program's `getAccessToken()` there 2.4 ms less (80 rounds).
 */
async function recordedFallbackCache(
  loader: ModuleLoader,
  options: CacheFactoryOptions,
  key: CacheKey,
): Promise<CachePlugin | undefined> {
  if (sessionBusMissing() === undefined) return undefined;
  const factory = await loadFactory(loader, FIRST_PARTY_CACHE);
  if (!factory) return undefined;
  const file = validatePlugin(
    factory({ ...options, cacheRequest: 'file' }),
    FIRST_PARTY_CACHE,
  ) as CachePlugin;
  const path = file.resolvedCachePath?.(key);
  const selectionReason = path && recordedKeyringFallback(dirname(path));
  return selectionReason ? { ...file, selectionReason } : undefined;
}

/**
 * The cache for an instance: an explicit cache plugin, else (under `cache: 'auto'`)
 * @oidcflow/cache-keyring when installed, which falls back to the file cache by itself where no
 * keyring answers (once it did and said so, the file cache directly while still no session bus
 * exists: recordedFallbackCache), else @oidcflow/cache-file when installed, else memory. `cache: 'keyring'` or
 * `'file'` asks for one package by name. Loads no flow: this is on the cache-hit path.
 */
export async function loadCachePlugin(
  explicit: readonly Plugin[],
  options: CacheFactoryOptions,
  loader: ModuleLoader = defaultModuleLoader,
  /** The instance's key: where its entry lives tells whether that location fell back already. */
  key?: CacheKey,
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
  // Under `auto` the keyring cache falls back to the file cache unless cacheFallback says `error`.
  if (request === 'auto' && (options.cacheFallback ?? 'file') === 'file' && key) {
    const recorded = await recordedFallbackCache(loader, options, key);
    if (recorded) return recorded;
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
