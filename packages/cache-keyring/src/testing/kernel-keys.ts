import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * forgetKernelKeysUnder (testing/index.ts) for the keys whose descriptions name one of `accounts`
 * (the data key copy's and the memos' accounts of a directory, the memos' without their key id).
 */
export function forgetKernelKeysNamed(accounts: readonly string[]): number {
  if (process.platform !== 'linux') return 0;
  let listing: string;
  try {
    listing = readFileSync('/proc/keys', 'utf8');
  } catch {
    return 0;
  }
  // A key names the directory itself (`…<account>@<service>`) or a path below it (`…<account>/…`).
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
  // session keyring of its own with the keyrings the binding links them into, the user's
  // persistent keyring and the session keyring of the process that wrote them, which for a
  // process without one of its own (a test runner, CI, a container) is the user-session keyring
  // (@us, kept until the user's last process ends: for root, until reboot), linked here with the
  // user keyring. "purged N keys": unlinked at once; the kernel frees them soon after.
  let said: string;
  try {
    said = execFileSync(
      'keyctl',
      [
        'session',
        '-',
        'sh',
        '-c',
        'keyctl get_persistent @s >/dev/null; keyctl link @u @s; keyctl link @us @s; for d in "$@"; do keyctl purge user "$d"; done',
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
