import { join } from 'node:path';
import { expandHome } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import { defaultCacheDirectory, resolveCacheDirectory } from './cache-directory.js';

describe('defaultCacheDirectory', () => {
  it('uses XDG_CACHE_HOME on Linux when it is absolute', () => {
    expect(defaultCacheDirectory({ HOME: '/home/ada', XDG_CACHE_HOME: '/var/cache/ada' }, 'linux')).toBe(
      '/var/cache/ada/oidcflow',
    );
  });

  it('ignores a relative XDG_CACHE_HOME, as the XDG spec says, and uses ~/.cache', () => {
    expect(defaultCacheDirectory({ HOME: '/home/ada', XDG_CACHE_HOME: 'relative/cache' }, 'linux')).toBe(
      '/home/ada/.cache/oidcflow',
    );
    expect(defaultCacheDirectory({ HOME: '/home/ada' }, 'freebsd')).toBe('/home/ada/.cache/oidcflow');
  });

  it('uses ~/Library/Caches on macOS, even with XDG_CACHE_HOME set', () => {
    expect(defaultCacheDirectory({ HOME: '/Users/ada', XDG_CACHE_HOME: '/x' }, 'darwin')).toBe(
      '/Users/ada/Library/Caches/oidcflow',
    );
  });

  it("uses %LOCALAPPDATA% on Windows, else the profile's AppData\\Local", () => {
    expect(defaultCacheDirectory({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32')).toBe(
      'C:\\Users\\ada\\AppData\\Local\\oidcflow',
    );
    expect(defaultCacheDirectory({ USERPROFILE: 'C:\\Users\\ada' }, 'win32')).toBe(
      'C:\\Users\\ada\\AppData\\Local\\oidcflow',
    );
  });
});

describe('resolveCacheDirectory', () => {
  it('expands ~ in cachePath with HOME', () => {
    expect(resolveCacheDirectory('~/tokens', { HOME: '/home/ada' }, 'linux')).toBe(
      join('/home/ada', 'tokens'),
    );
    expect(resolveCacheDirectory('~', { HOME: '/home/ada' }, 'linux')).toBe('/home/ada');
  });

  it('keeps other paths as given and falls back to the default without cachePath', () => {
    expect(resolveCacheDirectory('/srv/cache', { HOME: '/home/ada' }, 'linux')).toBe('/srv/cache');
    expect(resolveCacheDirectory(undefined, { HOME: '/home/ada' }, 'linux')).toBe(
      '/home/ada/.cache/oidcflow',
    );
  });

  it('does not expand ~user forms', () => {
    expect(expandHome('~ada/x', '/home/me')).toBe('~ada/x');
  });
});
