import { randomBytes } from 'node:crypto';
import { DATA_KEY_BYTES } from './envelope.js';

/** Where the data key of one cache directory lives in the OS keyring. */
export const KEYRING_SERVICE = 'oidcflow';
export const keyringAccountFor = (directory: string) => `token-cache-key:${directory}`;

/** The keyring does not answer (no D-Bus session, locked, refused): carries its words. */
export class KeyringUnavailable extends Error {}

export interface DataKeyStoreOptions {
  directory: string;
  /** Bound on each keyring call: a Secret Service that never answers must not hang a CLI. */
  timeoutMs: number;
  /** Runs `critical` under a lock shared by every process using `directory`. */
  withCreationLock<T>(critical: () => Promise<T>): Promise<T>;
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

/** The binding loads on first use: a missing prebuilt binary is "no keyring", not a crash at import. */
async function keyringEntry(directory: string) {
  const { AsyncEntry } = await import('@napi-rs/keyring').catch((error: unknown) => {
    throw new KeyringUnavailable(
      `the keyring binding @napi-rs/keyring cannot load here (${describe(error)})`,
    );
  });
  try {
    return new AsyncEntry(KEYRING_SERVICE, keyringAccountFor(directory), ENTRY_OPTIONS);
  } catch (error) {
    // On Linux: no D-Bus session, or no Secret Service on it.
    const notUsed =
      process.platform === 'linux' ? '; the kernel keyring is not used, it forgets keys at reboot' : '';
    throw new KeyringUnavailable(`${keyringStoreName()} cannot be reached: ${describe(error)}${notUsed}`);
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
  return {
    read,
    async readOrCreate(adopt) {
      const existing = await read();
      if (existing) return existing;
      return options.withCreationLock(async () => {
        // Another process may have created it while this one waited for the lock.
        const created = await read();
        if (created) return created;
        const fresh = randomBytes(DATA_KEY_BYTES);
        const entry = await keyringEntry(directory);
        await call('store a data key', (signal) => entry.setPassword(fresh.toString('base64'), signal));
        // Read back: some stores accept a write they cannot keep (no D-Bus, a null backend).
        const stored = await read();
        if (!stored?.equals(fresh))
          throw new KeyringUnavailable('the OS keyring did not keep the data key it was given');
        await adopt?.(fresh);
        return fresh;
      });
    },
  };
}
