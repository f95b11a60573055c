import { createFileCache, type FileCache, type FileCacheCodec } from '@oidcflow/cache-file';
import type { CacheEntry, CacheKey } from '@oidcflow/core';
import { createDataKeyStore, KeyringUnavailable, keyringStoreName } from './data-key.js';
import { open, seal } from './envelope.js';
import type { KeyringCacheOptions } from './options.js';

export const KEYRING_CACHE_NAME = 'keyring';
export const SEALED_FILE_EXTENSION = '.sealed';
/** The lock that makes the creation of a directory's data key happen once among processes. */
const DATA_KEY_LOCK_ID = 'keyring-data-key';

/** The keyring cache: the file cache's contract and directory, plus why it was chosen. */
export interface KeyringCache extends FileCache {
  /** Which store holds the tokens and why: `explain()` and `oidcflow status` show it. */
  readonly selectionReason: string;
}

// Built-ins through process.getBuiltinModule: an ES import of node:fs builds a facade over all its exports.
const { join } = process.getBuiltinModule('node:path');
const exists = async (path: string) =>
  process
    .getBuiltinModule('node:fs/promises')
    .stat(path)
    .then(
      () => true,
      () => false,
    );

const lockKey = (id: string): CacheKey => ({ id, issuer: '', clientId: '', scopes: [], family: 'user' });

/**
 * Tokens AES-256-GCM encrypted in the file cache's files (`<key id>.sealed`: same atomic
 * write, modes and cross-process lock), under a random data key per cache directory kept in
 * the OS keyring. Resolves once the keyring answered; rejects with KeyringUnavailable when it does not.
 */
export async function createKeyringCache(options: KeyringCacheOptions = {}): Promise<KeyringCache> {
  const {
    cacheFallback: _fallback,
    cacheRequest: _request,
    keyringTimeoutSeconds,
    keyringKernelCopy,
    ...fileOptions
  } = options;
  const clear = createFileCache(fileOptions);
  const directory = clear.directory;
  const keys = createDataKeyStore({
    directory,
    timeoutMs: (keyringTimeoutSeconds ?? 30) * 1000,
    withCreationLock: (critical) => clear.withLock(lockKey(DATA_KEY_LOCK_ID), critical),
    ...(keyringKernelCopy !== undefined ? { kernelCopy: keyringKernelCopy } : {}),
  });
  // The probe: a keyring that cannot give or keep a key is no keyring (see createPlugin's fallback).
  // On Linux the key may come from the kernel keyring's copy (kernel-key-copy.ts): one system
  // call instead of the Secret Service's round trips on a hit.
  let { key: dataKey, copy: fromCopy } = await keys.readQuickly();
  /**
   * A copy may be stale (the keyring entry was replaced or removed since): before sealing, and
   * when a file does not open with the copy, the Secret Service decides. Where it no longer
   * answers, the copy is the key the existing files were sealed with, so it stays.
   */
  const confirmKey = async () => {
    if (!fromCopy) return false;
    fromCopy = false;
    const confirmed = await keys.readOrCreate().catch((error: unknown) => {
      if (error instanceof KeyringUnavailable) return dataKey;
      throw error;
    });
    const changed = !confirmed.equals(dataKey);
    dataKey = confirmed;
    return changed;
  };
  const codec: FileCacheCodec = {
    fileExtension: SEALED_FILE_EXTENSION,
    encode: async (text, key) => {
      await confirmKey();
      return seal(text, dataKey, key.id);
    },
    decode: async (text, key) => {
      const opened = open(text, dataKey, key.id);
      if ('problem' in opened && (await confirmKey())) return open(text, dataKey, key.id);
      return opened;
    },
  };
  const sealed = createFileCache({ ...fileOptions, codec });
  const clearPath = (key: CacheKey) => clear.resolvedCachePath(key) as string;

  /**
   * Moves a clear-text entry of @oidcflow/cache-file into this store, once. Under the file
   * cache's own lock for that key (never the one `withLock` holds, so `get` may run inside
   * `withLock`): a process that migrates late cannot overwrite a newer sealed entry.
   */
  async function migrate(key: CacheKey): Promise<CacheEntry | undefined> {
    return clear.withLock(key, async () => {
      // Another process migrated first. A sealed file that cannot be read (damaged, another
      // data key) is no reason to keep a clear-text file: the clear entry replaces it.
      const migrated = await sealed.get(key);
      if (migrated) return migrated;
      const entry = await clear.get(key);
      if (entry) await sealed.set(key, entry);
      await clear.delete(key);
      return entry;
    });
  }

  return {
    ...sealed,
    name: KEYRING_CACHE_NAME,
    selectionReason: `the OS keyring answered (${keyringStoreName()}): tokens are AES-256-GCM encrypted in ${join(directory, `*${SEALED_FILE_EXTENSION}`)} with a data key kept there`,
    async get(key) {
      const entry = await sealed.get(key);
      if (entry) return entry;
      if (!(await exists(clearPath(key)))) return undefined;
      return migrate(key);
    },
    async delete(key) {
      await sealed.delete(key);
      // A clear-text entry left by the file cache would come back through migration.
      await clear.delete(key);
    },
  };
}
