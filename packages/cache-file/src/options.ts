import type { CacheFactoryOptions, CacheKey } from '@oidcflow/core';

/**
 * Turns a cache document into the bytes on disk and back, for stores built on this one
 * (@oidcflow/cache-keyring encrypts). `decode` answers `{ problem }` for a file it cannot
 * read back (wrong key, tampered): the entry is then a miss with one warning.
 */
export interface FileCacheCodec {
  /** Ending of the entry files, with its dot (the plain cache uses `.json`). */
  readonly fileExtension: string;
  encode(text: string, key: CacheKey): Promise<string>;
  decode(text: string, key: CacheKey): Promise<{ text: string } | { problem: string }>;
}

/** Options of the file cache: core passes `cachePath` and `warn`; the rest are for tests and tuning. */
export interface FileCacheOptions extends CacheFactoryOptions {
  /**
   * The directory that holds one file per cache key. `~` is expanded.
   * @default per OS: $XDG_CACHE_HOME/oidcflow or ~/.cache/oidcflow (Linux), ~/Library/Caches/oidcflow (macOS), %LOCALAPPDATA%\oidcflow (Windows)
   */
  cachePath?: string;
  /** The environment to read (`XDG_CACHE_HOME`, `LOCALAPPDATA`, `HOME`). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The platform whose default location to use. @default process.platform */
  platform?: NodeJS.Platform;
  /** Seconds to wait for another process's lock before giving up with CACHE_LOCK_TIMEOUT. @default 600 */
  lockTimeoutSeconds?: number;
  /**
   * A lock file whose owner cannot be read and that nobody touched for this long is taken
   * over. A lock with a readable owner is never judged by silence (see `lockMaxHoldSeconds`).
   * @default 30
   */
  lockStaleSeconds?: number;
  /**
   * A lock is taken over when its owner is provably gone (same host, process ended), or once
   * it was held this long: the bound for a holder that is stopped (Ctrl-Z, a sleeping laptop),
   * hung, or on another host sharing the directory. Waiters give up after `lockTimeoutSeconds`
   * before that, with an error naming the holder. @default 3600
   */
  lockMaxHoldSeconds?: number;
  /** How often the lock owner touches the lock file. Must be less than half of `lockStaleSeconds`. @default 5 */
  lockHeartbeatSeconds?: number;
  /** How documents are stored; absent: the JSON document as is, in `<key id>.json`. */
  codec?: FileCacheCodec;
}

export const FILE_CACHE_DEFAULTS = {
  lockTimeoutSeconds: 600,
  lockStaleSeconds: 30,
  lockMaxHoldSeconds: 3600,
  lockHeartbeatSeconds: 5,
} as const;
