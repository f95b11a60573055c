// Linux: a decode memo of each cache entry in the kernel keyring, beside the data key's copy
// (kernel-key-copy.ts). Opening a sealed file in a new process means loading node:crypto, whose
// internal modules are not in Node's startup snapshot: most of what a keyring hit cost beyond the
// file cache's. Measured (README, "What a hit still costs"; A/B of this package's builds, new
// processes, medians of 80 rounds, twice): a hit answered from the memo costs 3.9–4.3 ms less CPU
// on Node 20 and 6.5–6.7 ms less on Node 24.
// The memo keeps the plaintext of the last envelope this user's processes sealed or opened for
// one entry, with that envelope's whole text (its random IV and GCM tag are new at every seal)
// and the data key it was sealed with. A hit whose file is byte for byte that envelope, under
// that same key, answers the memo's plaintext without node:crypto; anything else (a file
// another process wrote, a planted, edited or restored file, another data key) is opened as
// before, and the memo replaced. The sealed file stays the store of record, and the file
// cache's checks of it (owner, modes, size) run before the memo is asked. Who can read the
// memo, and how long it lives, is in the README's threat model.
import type { Binding } from './binding.js';

/** Distinct from the data key's copy (`oidcflow-session-copy`) and from the Secret Service's entry. */
export const ENTRY_MEMO_SERVICE = 'oidcflow-session-memo';
/** The kernel keyring account (Linux) of the decode memo of entry `keyId` of the cache in `directory`. */
export const entryMemoAccountFor = (directory: string, keyId: string) =>
  `token-cache-entry:${directory}/${keyId}`;

const FORMAT = 'oidcflow-entry-memo/v1';

export interface EntryMemo {
  /**
   * The plaintext when the memo holds exactly this sealed file's text, sealed with `dataKey`,
   * else undefined. One system call and a string comparison; never throws, no node:crypto.
   */
  recall(sealedText: string, dataKey: Buffer): string | undefined;
  /**
   * Keeps `plaintext` as the memo of `sealedText`. A kernel keyring that refuses (the per-user
   * quota: 20000 bytes and 200 keys by default for non-root users) is no error: the old memo is
   * removed (it could not match any more) and the next hit decrypts.
   */
  keep(sealedText: string, dataKey: Buffer, plaintext: string): void;
  /** Removes the memo (logout; a file that no longer opens). Never throws. */
  forget(): void;
}

/** Everything before the plaintext: it must equal the file's text and the data key exactly. */
const header = (sealedText: string, dataKey: Buffer) =>
  `${FORMAT}\n${dataKey.toString('base64')}\n${sealedText.length}\n${sealedText}`;

/**
 * The memo of one entry of `directory`. Made only where the data key's kernel copy was read back
 * in this process (the caller's test): a process without a session keyring of its own can
 * write keys it cannot read, and plaintext must not be left behind where nothing can use it.
 */
export function entryMemo(binding: () => Binding, directory: string, keyId: string): EntryMemo {
  let entry: InstanceType<Binding['Entry']> | undefined;
  const open = () => {
    // Synchronous on purpose, as the data key's copy: one keyctl call on this thread.
    entry ??= new (binding().Entry)(ENTRY_MEMO_SERVICE, entryMemoAccountFor(directory, keyId), {
      linux: { store: 'keyutils' },
    });
    return entry;
  };
  const forget = () => {
    try {
      open().deleteCredential();
    } catch {
      // None there, or no kernel keyring.
    }
  };
  return {
    recall(sealedText, dataKey) {
      let stored: string | null;
      try {
        stored = open().getPassword();
      } catch {
        return undefined;
      }
      const expected = header(sealedText, dataKey);
      return stored?.startsWith(expected) ? stored.slice(expected.length) : undefined;
    },
    keep(sealedText, dataKey, plaintext) {
      try {
        open().setPassword(header(sealedText, dataKey) + plaintext);
      } catch {
        forget();
      }
    },
    forget,
  };
}
