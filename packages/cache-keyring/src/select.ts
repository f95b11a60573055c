import { createFileCache, type FileCache } from '@oidcflow/cache-file';
import {
  forgetKeyringFallback,
  recordKeyringFallback,
  rememberedFallback,
} from '@oidcflow/core/keyring-fallback';
import { KeyringUnavailable, keyringUnreachable } from './data-key.js';
import { createKeyringCache, type KeyringCache } from './keyring-cache.js';
import type { KeyringCacheOptions } from './options.js';

/**
 * The seam "core off the hit": core's errors are loaded where one is thrown (and lazy-cache.ts
 * writes out what defineCache returns), and core's keyring-fallback helpers are part of this
 * package's build (scripts/bundle-package.mjs, INLINED_IMPORTS), so a hit loads no package but
 * the file cache. Each package a module imports costs a new process its resolution on every hit
 * (core is loaded already; finding it again from here is what costs). Measured (importing the
 * package after core and the file cache, new processes, CPU, medians of 31–41, three runs,
 * interleaved, 2026-12-07): 0.11–0.14 ms less on Node 20, 0.03–0.19 ms less on Node 24.
 */
const core = () => import('@oidcflow/core');

/** The plain file cache chosen as the fallback, saying so. */
export interface FallbackFileCache extends FileCache {
  readonly selectionReason: string;
}

/**
 * The keyring cache, or why no keyring answers. Where the environment already says so (SSH
 * without D-Bus, CI, containers: the common fallback) that is known without building the
 * keyring cache or throwing, on every call of a command such as kubectl's credential plugin.
 */
async function keyringOrWhyNot(options: KeyringCacheOptions): Promise<KeyringCache | string> {
  const unreachable = keyringUnreachable();
  if (unreachable) return unreachable;
  try {
    return await createKeyringCache(options);
  } catch (error) {
    if (!(error instanceof KeyringUnavailable)) throw error;
    return error.message;
  }
}

/**
 * The keyring cache where the OS keyring answers. Where it does not: the clear-text file
 * cache when `cacheFallback` is `file` (the default under `auto`), with one warning per cache
 * directory (@oidcflow/core/keyring-fallback), else
 * CACHE_KEYRING_UNAVAILABLE (the default when the keyring was asked for by name).
 */
export async function selectKeyringCache(
  options: KeyringCacheOptions = {},
): Promise<KeyringCache | FallbackFileCache> {
  const request = options.cacheRequest ?? 'keyring';
  const fallback = options.cacheFallback ?? (request === 'auto' ? 'file' : 'error');
  if (fallback !== 'file' && fallback !== 'error') {
    const { ErrorCode, OidcflowError } = await core();
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `cacheFallback must be "file" or "error" (got ${JSON.stringify(fallback)}).`,
    );
  }
  const keyring = await keyringOrWhyNot(options);
  if (typeof keyring !== 'string') {
    forgetKeyringFallback(keyring.directory);
    return keyring;
  }
  const why = keyring;
  if (fallback === 'error') {
    const { ErrorCode, OidcflowError } = await core();
    throw new OidcflowError(
      ErrorCode.CACHE_KEYRING_UNAVAILABLE,
      `No OS keyring answers here: ${why}. On Linux the Secret Service needs a D-Bus session (gnome-keyring or KeePassXC); ` +
        "over SSH or in a container there is usually none. To keep tokens in a 0600 file instead, set cacheFallback: 'file'.",
    );
  }
  const file = createFileCache(options);
  const reason = `no OS keyring answers (${why}); cacheFallback is 'file', so tokens are kept in clear in ${file.directory} (files only you can read)`;
  const notice = recordKeyringFallback(file.directory, reason);
  // Said once per cache location (kubectl and git run oidcflow for every command).
  if (notice.sayNow) {
    options.warn?.(
      `${reason}. Set cacheFallback: 'error' to refuse this, or start a Secret Service (gnome-keyring) in this session.` +
        (notice.path ? ` Said once for this cache directory (remembered in ${notice.path}).` : ''),
    );
  }
  const remembered = notice.path ? rememberedFallback(notice.since, notice.path) : '';
  return { ...file, selectionReason: `${reason}${remembered}` };
}
