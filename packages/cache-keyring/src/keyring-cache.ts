import { createFileCache, type FileCache, type FileCacheCodec } from '@oidcflow/cache-file';
import type { CacheKey } from '@oidcflow/core';
import { loadKeyringBinding } from './binding.js';
import { createDataKeyStore, KeyringUnavailable, keyringStoreName } from './data-key.js';
import { type EntryMemo, entryMemo } from './entry-memo.js';
import type { KeyringCacheOptions } from './options.js';

// Built-ins through process.getBuiltinModule: an ES import of node:fs builds a facade over all
// of its exports in every process that loads this file (a cache hit does).
// node:fs/promises only off the hit (a missing sealed file, the first adoption): loading it costs
// 1.4–2.0 ms CPU of a Node 24 process (13 internal modules; Node 20's ES module loader has it
// already), and this module is loaded by every `auto` hit, with or without D-Bus.
const fsPromises = () => process.getBuiltinModule('node:fs/promises');
/**
 * The seam "cold code in chunks": sealing and opening (envelope.ts) and the adoption of
 * clear-text entries (adopt-clear-entries.ts) load with import(), each a chunk of its own
 * (scripts/bundle-package.mjs). A hit answered from its decode memo runs neither, and this
 * module, which every `auto` hit loads, is 16.6 KB instead of 19.6. Measured (importing the
 * package after core and the file cache, new processes, CPU, medians of 31, twice, interleaved,
 * 2026-12-07): 0.06–0.08 ms less on Node 20, 0.13–0.30 ms less on Node 24. A hit that decrypts
 * loads the envelope's chunk besides node:crypto: 0.2–0.8 ms more (two runs), against the 4–6 ms
 * node:crypto costs it.
 */
const envelope = () => import('./envelope.js');
const { join } = process.getBuiltinModule('node:path');

export const KEYRING_CACHE_NAME = 'keyring';
export const SEALED_FILE_EXTENSION = '.sealed';
/** The lock that makes the creation of a directory's data key happen once among processes. */
const DATA_KEY_LOCK_ID = 'keyring-data-key';

/** The keyring cache: the file cache's contract and directory, plus why it was chosen. */
export interface KeyringCache extends FileCache {
  /** Which store holds the tokens and why: `explain()` and `oidcflow status` show it. */
  readonly selectionReason: string;
}

const exists = async (path: string) =>
  fsPromises()
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
  // Each warning once per instance, as the file cache does.
  const warned = new Set<string>();
  const warn = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    options.warn?.(message);
  };
  const withCreationLock = <T>(critical: () => Promise<T>) =>
    clear.withLock(lockKey(DATA_KEY_LOCK_ID), critical);
  const keys = createDataKeyStore({
    directory,
    timeoutMs: (keyringTimeoutSeconds ?? 30) * 1000,
    withCreationLock,
    ...(keyringKernelCopy !== undefined ? { kernelCopy: keyringKernelCopy } : {}),
  });
  /**
   * Sealed files under the current key; `confirm` answers whether the key changed (see below);
   * `memoOf` gives an entry's decode memo where the kernel keyring keeps them (entry-memo.ts).
   */
  const sealedWith = (
    dataKey: () => Buffer,
    confirm: () => Promise<boolean> = async () => false,
    memoOf: (key: CacheKey) => EntryMemo | undefined = () => undefined,
  ) =>
    createFileCache({
      ...fileOptions,
      codec: {
        fileExtension: SEALED_FILE_EXTENSION,
        encode: async (text, key) => {
          await confirm();
          const { seal } = await envelope();
          const sealed = seal(text, dataKey(), key.id);
          memoOf(key)?.keep(sealed, dataKey(), text);
          return sealed;
        },
        decode: async (text, key) => {
          const memo = memoOf(key);
          // The speed device of a hit (entry-memo.ts): the exact envelope this memo was made
          // from, under the same key, needs no node:crypto (3.9–4.3 ms CPU less on Node 20,
          // 6.5–6.7 on Node 24, measured: README "What a hit still costs").
          const recalled = memo?.recall(text, dataKey());
          if (recalled !== undefined) return { text: recalled };
          const { open } = await envelope();
          let opened = open(text, dataKey(), key.id);
          if ('problem' in opened && (await confirm())) opened = open(text, dataKey(), key.id);
          if (memo) {
            if ('text' in opened) memo.keep(text, dataKey(), opened.text);
            else memo.forget();
          }
          return opened;
        },
      } satisfies FileCacheCodec,
    });
  // The probe: a keyring that cannot give or keep a key is no keyring (see createPlugin's fallback).
  // On Linux the key may come from the kernel keyring's copy (kernel-key-copy.ts): one system
  // call instead of the Secret Service's round trips on a hit.
  const adopt = async (created: Buffer) =>
    (await import('./adopt-clear-entries.js')).adoptClearEntries(
      clear,
      sealedWith(() => created),
      warn,
    );
  let { key: dataKey, copy: fromCopy } = await keys.readQuickly(adopt);
  /**
   * A copy may be stale (the keyring entry was replaced or removed since): before sealing, and
   * when a file does not open with the copy, the Secret Service decides, once per instance.
   * Where it no longer answers, the copy is the key the existing files were sealed with.
   */
  const confirmKey = async () => {
    if (!fromCopy) return false;
    fromCopy = false;
    const confirmed = await keys.readOrCreate(adopt).catch((error: unknown) => {
      if (error instanceof KeyringUnavailable) return dataKey;
      throw error;
    });
    const changed = !confirmed.equals(dataKey);
    dataKey = confirmed;
    return changed;
  };
  /**
   * Decode memos, only where the kernel keyring gave this process the data key's copy back
   * (so the switch is on, and keys written there can be read: see entry-memo.ts).
   */
  const memos = new Map<string, EntryMemo>();
  const memoOf = (key: CacheKey) => {
    if (!keys.kernelKeyringReadable()) return undefined;
    const memo = memos.get(key.id) ?? entryMemo(loadKeyringBinding, directory, key.id);
    memos.set(key.id, memo);
    return memo;
  };
  const sealed = sealedWith(() => dataKey, confirmKey, memoOf);
  const clearPath = (key: CacheKey) => clear.resolvedCachePath(key) as string;

  return {
    ...sealed,
    name: KEYRING_CACHE_NAME,
    selectionReason: `the OS keyring answered (${keyringStoreName()}): tokens are AES-256-GCM encrypted in ${join(directory, `*${SEALED_FILE_EXTENSION}`)} with a data key kept there`,
    async get(key) {
      const entry = await sealed.get(key);
      if (entry) return entry;
      const path = clearPath(key);
      if (!(await exists(path))) return undefined;
      // A clear-text file where the sealed one is missing or unreadable. Another process may
      // be adopting the location right now (its key is kept before its files are sealed): once
      // its creation lock is free, the sealed entry is there if the file was the user's.
      const adopted = await withCreationLock(() => sealed.get(key));
      if (adopted) return adopted;
      warn(
        `ignoring the clear-text token cache file ${path}: this cache directory has its data key in the OS keyring, so clear text is not taken in (a file put there since could be planted). Log in again; logging out removes the file.`,
      );
      return undefined;
    },
    async set(key, entry) {
      await sealed.set(key, entry);
      // No clear-text copy stays beside the sealed one (a leftover from before the adoption).
      if (await exists(clearPath(key))) await clear.delete(key);
    },
    async delete(key) {
      await sealed.delete(key);
      // Its decode memo goes too, whoever made it (even with the kernel copy turned off since).
      if (process.platform === 'linux')
        (memoOf(key) ?? entryMemo(loadKeyringBinding, directory, key.id)).forget();
      // A clear-text entry left by the file cache goes too: logout leaves no token behind.
      await clear.delete(key);
    },
  };
}
