import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Entry } from '@napi-rs/keyring';
import { keyringAccountFor } from '../src/data-key.js';
import { ENTRY_MEMO_SERVICE, entryMemoAccountFor } from '../src/entry-memo.js';
import { KERNEL_COPY_SERVICE } from '../src/kernel-key-copy.js';

/**
 * Removes the kernel keyring's copy of `cacheDirectory`'s data key (Linux), if this process can
 * reach one: tests leave no keys behind in the user's persistent keyring.
 */
export function removeKernelCopy(cacheDirectory: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    return new Entry(KERNEL_COPY_SERVICE, keyringAccountFor(cacheDirectory), {
      linux: { store: 'keyutils' },
    }).deleteCredential();
  } catch {
    return false;
  }
}

/** Removes the decode memos (Linux) of the sealed entries in `cacheDirectory`: no test tokens left in the kernel. */
async function removeEntryMemos(cacheDirectory: string): Promise<void> {
  if (process.platform !== 'linux') return;
  const names = await readdir(cacheDirectory).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.endsWith('.sealed')) continue;
    const account = entryMemoAccountFor(cacheDirectory, name.slice(0, -'.sealed'.length));
    try {
      new Entry(ENTRY_MEMO_SERVICE, account, { linux: { store: 'keyutils' } }).deleteCredential();
    } catch {
      // None, or no kernel keyring reachable from here.
    }
  }
}

/** Temporary directories made by a test file, removed by `removeAll` in afterEach/afterAll. */
export function temporaryDirectories() {
  const made: string[] = [];
  return {
    async make(prefix = 'oidcflow-cache-'): Promise<string> {
      const directory = await mkdtemp(join(tmpdir(), prefix));
      made.push(directory);
      return directory;
    },
    async removeAll(): Promise<void> {
      for (const directory of made.splice(0)) {
        for (const cacheDirectory of [directory, join(directory, 'oidcflow')])
          await removeEntryMemos(cacheDirectory);
        await rm(directory, { recursive: true, force: true });
        for (const cacheDirectory of [directory, join(directory, 'oidcflow')])
          removeKernelCopy(cacheDirectory);
      }
    },
  };
}
