import type { FileCacheOptions } from '@oidcflow/cache-file';

/** What to do where no OS keyring answers (SSH without D-Bus, CI, containers). */
export type CacheFallback = 'file' | 'error';

/** Options of the keyring cache: those of the file cache (location, lock timing) and these. */
export interface KeyringCacheOptions extends Omit<FileCacheOptions, 'codec'> {
  /**
   * Where no keyring answers: `file` keeps tokens in clear in @oidcflow/cache-file's 0600 files
   * (with a warning), `error` fails with CACHE_KEYRING_UNAVAILABLE.
   * @default 'error' when the keyring was asked for by name (`cache: 'keyring'`), 'file' under `auto`
   */
  cacheFallback?: CacheFallback;
  /** How the user chose this cache: by name, or core's `auto`. @default 'keyring' */
  cacheRequest?: 'auto' | 'keyring';
  /** Seconds each keyring call may take (a Secret Service that never answers). @default 30 */
  keyringTimeoutSeconds?: number;
  /**
   * Linux: keep a copy of the data key in the kernel keyring, so a hit needs no Secret Service
   * round trip, and beside it each entry's decode memo (its plaintext), so a hit needs no
   * decryption (see the README's threat model for who can read them and how long they live).
   * @default true, unless the environment variable OIDCFLOW_KEYRING_KERNEL_COPY is `off`
   */
  keyringKernelCopy?: boolean;
}
