import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { keyringAccountFor } from '../data-key.js';
import { entryMemoAccountFor } from '../entry-memo.js';

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
  if (process.platform !== 'linux') return 0;
  let listing: string;
  try {
    listing = readFileSync('/proc/keys', 'utf8');
  } catch {
    return 0;
  }
  // The accounts of the copy and the memos for `directory` (the memo's without its key id);
  // a key names the directory itself (`…<account>@<service>`) or a path below it (`…<account>/…`).
  const accounts = [keyringAccountFor(directory), entryMemoAccountFor(directory, '').slice(0, -1)];
  const isUnder = (description: string) =>
    accounts.some((account) => description.includes(`${account}/`) || description.includes(`${account}@`));
  const descriptions: string[] = [];
  for (const line of listing.split('\n')) {
    // id flags usage timeout perm uid gid type description: payload
    const description = /^\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+user\s+(.*): \d+$/.exec(line)?.[1];
    if (description && isUnder(description)) descriptions.push(description);
  }
  if (descriptions.length === 0) return 0;
  // Only a possessor may remove them (the binding makes them possessor-only, user view): a
  // session keyring of its own with the two keyrings the binding links them into, the user's
  // persistent keyring and (a process without a session keyring of its own) the user keyring.
  // "purged N keys": unlinked at once; the kernel frees them soon after.
  let said: string;
  try {
    said = execFileSync(
      'keyctl',
      [
        'session',
        '-',
        'sh',
        '-c',
        'keyctl get_persistent @s >/dev/null; keyctl link @u @s; for d in "$@"; do keyctl purge user "$d"; done',
        'sh',
        ...descriptions,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } catch {
    return 0;
  }
  let removed = 0;
  for (const [, count] of said.matchAll(/purged (\d+)/g)) removed += Number(count);
  return removed;
}
