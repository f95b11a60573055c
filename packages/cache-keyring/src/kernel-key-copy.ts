// Linux: a copy of a cache directory's data key in the kernel keyring (keyutils), so that a
// cache hit reads it with one system call instead of a D-Bus connection, a Secret Service
// session and its round trips (about 20–25 ms of a new process, measured; bench/RESULTS.md).
// The Secret Service stays the store of record: keys are created there, every write checks
// against it (see keyring-cache.ts), and the copy is only read after the same "is there a
// session bus" test as the Secret Service itself, so where none is the fallback is unchanged.
// Who can read the copy, and how long it lives, is in the README's threat model.
import type { Binding } from './binding.js';

/** Distinct from the Secret Service's entry: the copy never stands in for it. */
export const KERNEL_COPY_SERVICE = 'oidcflow-session-copy';

/** OIDCFLOW_KEYRING_KERNEL_COPY=off turns the copy off (the Secret Service is then asked every time). */
export const KERNEL_COPY_ENV = 'OIDCFLOW_KEYRING_KERNEL_COPY';

export interface KernelKeyCopy {
  /** The copied key's text, or undefined (none, or the kernel keyring refused). Never throws. */
  read(): string | undefined;
  /** Replaces the copy, and reads it back; a kernel keyring that refuses is no error (the copy is an optimisation). */
  write(text: string): void;
  /**
   * This process read a copy back from the kernel keyring: keys it writes there can be read
   * by the processes after it (the decode memos rely on it, entry-memo.ts).
   */
  readable(): boolean;
}

/** The copy for `account`, or undefined off Linux or when turned off. */
export function kernelKeyCopy(
  binding: Binding,
  account: string,
  enabled: boolean | undefined,
): KernelKeyCopy | undefined {
  if (process.platform !== 'linux') return undefined;
  const setting = process.env[KERNEL_COPY_ENV];
  if (enabled === false || (enabled === undefined && (setting === 'off' || setting === '0')))
    return undefined;
  let entry: InstanceType<Binding['Entry']> | undefined;
  /**
   * A process without a session keyring of its own (containers, CI runners, some service
   * managers; a desktop or SSH login has one, made by pam_keyinit) can write a copy that no
   * later process can read back (AccessDenied): once a read fails, no more copies are made.
   */
  let unreadable = false;
  let readBack = false;
  const open = () => {
    // Synchronous on purpose: one keyctl call on this thread, no thread-pool round trip.
    entry ??= new binding.Entry(KERNEL_COPY_SERVICE, account, { linux: { store: 'keyutils' } });
    return entry;
  };
  const read = () => {
    try {
      const text = open().getPassword() ?? undefined;
      readBack ||= text !== undefined;
      return text;
    } catch {
      unreadable = true;
      return undefined;
    }
  };
  return {
    read,
    write(text) {
      if (unreadable) return;
      try {
        open().setPassword(text);
      } catch {
        // No kernel keyring reachable: every hit asks the Secret Service, as without the copy.
        return;
      }
      // Only on this slow path (the Secret Service was just asked): one more system call.
      read();
    },
    readable: () => readBack && !unreadable,
  };
}
