import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Entry } from '@napi-rs/keyring';
import { keyringAccountFor } from '../src/data-key.js';
import { KERNEL_COPY_SERVICE } from '../src/kernel-key-copy.js';
import { forgetKernelKeysUnder } from '../src/testing/index.js';

/**
 * Removes the kernel keyring's copy of `cacheDirectory`'s data key (Linux) that this process
 * can reach, as the README's key rotation does (a test of rotation); `removeAll` below removes
 * whatever a directory's caches left, wherever it is linked.
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
        await rm(directory, { recursive: true, force: true });
        // The copies and memos of every cache made in it, whichever process made them: the ones
        // child processes made are linked into the persistent keyring, out of this process's
        // session keyring (only looking them up from here left them behind, five per run).
        forgetKernelKeysUnder(directory);
      }
    },
  };
}
