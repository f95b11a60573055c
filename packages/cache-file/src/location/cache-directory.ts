import { expandHome, homeDirectory } from '@oidcflow/core';

// Not an ES import: that would build node:path's module facade on every new process's cache hit.
const { isAbsolute, join, win32 } = process.getBuiltinModule('node:path');

/**
 * Where tokens live when no `cachePath` is given, following each OS's convention for caches
 * (data that can be recreated by logging in again):
 * - Linux and other Unix: `$XDG_CACHE_HOME/oidcflow` when it is an absolute path (XDG Base
 *   Directory spec: relative values are ignored), else `~/.cache/oidcflow`;
 * - macOS: `~/Library/Caches/oidcflow`;
 * - Windows: `%LOCALAPPDATA%\oidcflow`, else `~\AppData\Local\oidcflow`.
 */
export function defaultCacheDirectory(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const home = homeDirectory(env);
  if (platform === 'win32') {
    const localAppData = env.LOCALAPPDATA;
    return localAppData && win32.isAbsolute(localAppData)
      ? win32.join(localAppData, 'oidcflow')
      : win32.join(home, 'AppData', 'Local', 'oidcflow');
  }
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'oidcflow');
  const xdgCacheHome = env.XDG_CACHE_HOME;
  if (xdgCacheHome && isAbsolute(xdgCacheHome)) return join(xdgCacheHome, 'oidcflow');
  return join(home, '.cache', 'oidcflow');
}

/** The cache directory for these options: `cachePath` with `~` expanded, else the OS default. */
export function resolveCacheDirectory(
  cachePath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (cachePath) {
    // An absolute or relative path as given needs no home.
    if (!cachePath.startsWith('~')) return cachePath;
    return expandHome(cachePath, homeDirectory(env));
  }
  return defaultCacheDirectory(env, platform);
}
