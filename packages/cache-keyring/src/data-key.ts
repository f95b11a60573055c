import { sessionBusMissing } from '@oidcflow/core/keyring-fallback';
import { type Binding, loadKeyringBinding } from './binding.js';
import { type KernelKeyCopy, kernelKeyCopy } from './kernel-key-copy.js';

/** Where the data key of one cache directory lives in the OS keyring. */
export const KEYRING_SERVICE = 'oidcflow';
export const keyringAccountFor = (directory: string) => `token-cache-key:${directory}`;
/** An AES-256 data key's length. */
export const DATA_KEY_BYTES = 32;

/** The keyring does not answer (no D-Bus session, locked, refused): carries its words. */
export class KeyringUnavailable extends Error {}

export interface DataKeyStoreOptions {
  directory: string;
  /** Bound on each keyring call: a Secret Service that never answers must not hang a CLI. */
  timeoutMs: number;
  /** Runs `critical` under a lock shared by every process using `directory`. */
  withCreationLock<T>(critical: () => Promise<T>): Promise<T>;
  /** Linux: keep a copy of the key in the kernel keyring (kernel-key-copy.ts). @default true, unless OIDCFLOW_KEYRING_KERNEL_COPY=off */
  kernelCopy?: boolean;
}

export interface DataKeyStore {
  /** The key when the keyring has one; undefined when it has none. Throws KeyringUnavailable. */
  read(): Promise<Buffer | undefined>;
  /**
   * The key, created (once among all processes) when the keyring has none. `adopt` runs with a
   * key just created and kept, still under the creation lock: the one moment the location is
   * being adopted. Throws KeyringUnavailable.
   */
  readOrCreate(adopt?: (created: Buffer) => Promise<void>): Promise<Buffer>;
  /**
   * The key from the kernel keyring's copy when it has one (Linux: one system call), else as
   * `readOrCreate`, then copied there. `copy` tells which: a copy may be stale (the keyring
   * entry was replaced), so writes confirm with `readOrCreate`. Throws KeyringUnavailable.
   */
  readQuickly(adopt?: (created: Buffer) => Promise<void>): Promise<{ key: Buffer; copy: boolean }>;
  /**
   * Linux: the kernel keyring gave this process the data key's copy back (the copy is on, and
   * what is written there can be read by later processes): where decode memos may be kept.
   */
  kernelKeyringReadable(): boolean;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The store that holds the data key on this platform, as `explain()` names it. On Linux it is
 * the Secret Service and nothing else: @napi-rs/keyring would otherwise fall back by itself to
 * the kernel keyring (keyutils), which keeps keys in memory only (gone at reboot, and reachable
 * or not depending on which threads of the process joined a session keyring first).
 */
export function keyringStoreName(): string {
  const platform = process.platform;
  if (platform === 'darwin') return 'the macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'the Secret Service (D-Bus)';
}

/** Pins the Linux store (ignored elsewhere): no silent fallback to the kernel keyring. */
const ENTRY_OPTIONS = { linux: { store: 'secret-service' } } as const;

const notUsedOnLinux = () =>
  process.platform === 'linux' ? '; the kernel keyring is not used, it forgets keys at reboot' : '';

/**
 * Why the OS keyring cannot answer here, decided from the environment alone (no session bus on
 * Linux), or undefined when the binding must be asked. Nothing is loaded to know it.
 */
export function keyringUnreachable(): string | undefined {
  const noBus = sessionBusMissing();
  return noBus && `${keyringStoreName()} cannot be reached: ${noBus}${notUsedOnLinux()}`;
}

/**
 * The binding, loaded on first use: a missing prebuilt binary is "no keyring", not a crash at
 * import. Where the environment already says no session bus exists, nothing is loaded.
 */
function keyringBinding(): Binding {
  const unreachable = keyringUnreachable();
  if (unreachable) throw new KeyringUnavailable(unreachable);
  try {
    return loadKeyringBinding();
  } catch (error) {
    throw new KeyringUnavailable(
      `the keyring binding @napi-rs/keyring cannot load here (${describe(error)})`,
    );
  }
}

async function keyringEntry(directory: string) {
  const binding = keyringBinding();
  try {
    return new binding.AsyncEntry(KEYRING_SERVICE, keyringAccountFor(directory), ENTRY_OPTIONS);
  } catch (error) {
    // On Linux: no D-Bus session, or no Secret Service on it.
    throw new KeyringUnavailable(
      `${keyringStoreName()} cannot be reached: ${describe(error)}${notUsedOnLinux()}`,
    );
  }
}

function decodeKey(stored: string | null): Buffer | undefined {
  if (stored === null) return undefined;
  const key = Buffer.from(stored, 'base64');
  // Something else under our name: treated as absent, so a fresh key replaces it.
  return key.length === DATA_KEY_BYTES ? key : undefined;
}

export function createDataKeyStore(options: DataKeyStoreOptions): DataKeyStore {
  const { directory, timeoutMs } = options;
  const call = async <T>(what: string, operation: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    try {
      return await operation(AbortSignal.timeout(timeoutMs));
    } catch (error) {
      if (error instanceof KeyringUnavailable) throw error;
      throw new KeyringUnavailable(`the OS keyring refused to ${what}: ${describe(error)}`);
    }
  };
  const read = async () => {
    const entry = await keyringEntry(directory);
    return decodeKey(await call('read the data key', (signal) => entry.getPassword(signal)));
  };
  // Linux: the kernel keyring's copy, refreshed whenever the Secret Service is asked.
  let copy: KernelKeyCopy | undefined | null = null;
  const kernelCopy = () => {
    if (copy === null)
      copy = kernelKeyCopy(keyringBinding(), keyringAccountFor(directory), options.kernelCopy);
    return copy;
  };
  const copied = (key: Buffer) => {
    kernelCopy()?.write(key.toString('base64'));
    return key;
  };
  async function readOrCreate(adopt?: (created: Buffer) => Promise<void>): Promise<Buffer> {
    const existing = await read();
    if (existing) return copied(existing);
    return options.withCreationLock(async () => {
      // Another process may have created it while this one waited for the lock.
      const created = await read();
      if (created) return created;
      const fresh = process.getBuiltinModule('node:crypto').randomBytes(DATA_KEY_BYTES);
      const entry = await keyringEntry(directory);
      await call('store a data key', (signal) => entry.setPassword(fresh.toString('base64'), signal));
      // Read back: some stores accept a write they cannot keep (no D-Bus, a null backend).
      const stored = await read();
      if (!stored?.equals(fresh))
        throw new KeyringUnavailable('the OS keyring did not keep the data key it was given');
      await adopt?.(fresh);
      return copied(fresh);
    });
  }
  return {
    read,
    readOrCreate,
    async readQuickly(adopt) {
      const fromCopy = decodeKey(kernelCopy()?.read() ?? null);
      if (fromCopy) return { key: fromCopy, copy: true };
      return { key: await readOrCreate(adopt), copy: false };
    },
    kernelKeyringReadable: () => copy?.readable() ?? false,
  };
}
