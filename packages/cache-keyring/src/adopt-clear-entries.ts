// The first adoption of a cache location by the keyring cache (see keyring-cache.ts): loaded
// with import() by the one process that creates the location's data key, never on a hit.
import type { FileCache } from '@oidcflow/cache-file';
import type { CacheKey } from '@oidcflow/core';

const fsPromises = () => process.getBuiltinModule('node:fs/promises');
const { join } = process.getBuiltinModule('node:path');

/** A clear-text entry file of @oidcflow/cache-file: `<key id>.json`. */
const CLEAR_ENTRY_FILE = /^([A-Za-z0-9_-]{1,128})\.json$/;
/** Larger files are no cache entry (the file cache's own limit). */
const MAX_CLEAR_ENTRY_BYTES = 1024 * 1024;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The cache key a clear-text entry file was written for (its `key` member, with the file's id),
 * or undefined for anything that is not such a file. Only names the key: the file cache's own
 * `get` then checks the file (owner, modes, format) before anything of it is used.
 */
async function storedKeyOf(path: string, id: string): Promise<CacheKey | undefined> {
  try {
    const stats = await fsPromises().stat(path);
    if (!stats.isFile() || stats.size > MAX_CLEAR_ENTRY_BYTES) return undefined;
    const stored = (JSON.parse(await fsPromises().readFile(path, 'utf8')) as { key?: unknown }).key;
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return undefined;
    return { ...(stored as Omit<CacheKey, 'id'>), id };
  } catch {
    return undefined;
  }
}

/**
 * The location's first adoption: every clear-text entry of @oidcflow/cache-file in it is
 * sealed, then its clear file removed, each under the file cache's lock for its key. Runs only
 * when the location's data key was just created, under the creation lock (see `get`): never
 * after, or a clear file dropped beside a deleted or damaged sealed one would be sealed under
 * the user's key, and the token_endpoint written in it sent the refresh token and client secret.
 */
export async function adoptClearEntries(
  clear: FileCache,
  sealed: FileCache,
  warn: (message: string) => void,
) {
  const names = await fsPromises()
    .readdir(clear.directory)
    .catch(() => [] as string[]);
  for (const name of names) {
    const id = CLEAR_ENTRY_FILE.exec(name)?.[1];
    if (id === undefined) continue;
    const path = join(clear.directory, name);
    const key = await storedKeyOf(path, id);
    if (!key) continue;
    try {
      await clear.withLock(key, async () => {
        const entry = await clear.get(key);
        if (!entry) return;
        await sealed.set(key, entry);
        await clear.delete(key);
      });
    } catch (error) {
      // Someone else's file (CACHE_INSECURE), a lock held too long: left as it is, never used.
      warn(
        `the clear-text token cache file ${path} was not moved into the keyring cache (${describe(error)}); it is not used.`,
      );
    }
  }
}
