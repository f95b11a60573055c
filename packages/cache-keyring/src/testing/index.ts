// The account names come from the package's main entry, not from its modules: a module two
// entries import goes into a chunk both load (scripts/bundle-package.mjs), and every keyring hit
// would then load two files of this package (test/cache-hit-path.test.ts).
import { entryMemoAccountFor, keyringAccountFor } from '../index.js';
import { forgetKernelKeysNamed } from './kernel-keys.js';

export {
  keyringRequired,
  keyutilsMissing,
  type SecretService,
  secretServiceMissing,
  startSecretService,
  useSecretServiceInThisProcess,
  withoutDbusSession,
} from './secret-service.js';

/**
 * Removes from the kernel keyring (Linux) what keyring caches in `directory` or below it left
 * there: data key copies and decode memos, which outlive the directory (up to the persistent
 * keyring's expiry, 3 days). A test that made keyring caches in a temporary directory calls it
 * when it removes the directory: under a non-root user's key quota (200 keys, 20000 bytes by
 * default) leftovers of earlier runs would turn later copies and memos away. Only keys naming a
 * path inside `directory` go: a run next to this one keeps its own. Answers how many were
 * removed; 0 off Linux or without `keyctl` (the keyutils package). Keys linked only into another
 * process's session keyring are out of its reach; they go when that session ends. A removed key may
 * still be listed in /proc/keys for a moment, until the kernel's garbage collector frees it.
 */
export function forgetKernelKeysUnder(directory: string): number {
  // The accounts of the copy and the memos for `directory` (the memo's without its key id).
  return forgetKernelKeysNamed([
    keyringAccountFor(directory),
    entryMemoAccountFor(directory, '').slice(0, -1),
  ]);
}
