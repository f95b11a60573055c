// Linux: the data key's copy in the kernel keyring (src/kernel-key-copy.ts). A hit reads the
// key from the copy, not from the Secret Service; a write asks the Secret Service first, so a
// replaced keyring entry wins at the next write; a stale copy is repaired; and the copy can be
// turned off. Against a real gnome-keyring and the real kernel keyring, in a process with a
// session keyring of its own (`keyctl session -`, as a desktop or SSH login has: pam_keyinit).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  keyringRequired,
  keyutilsMissing,
  type SecretService,
  secretServiceMissing,
  startSecretService,
} from './secret-service.js';
import { temporaryDirectories } from './temporary-directory.js';

const SCENARIOS = fileURLToPath(new URL('./fixtures/kernel-copy-scenarios.mjs', import.meta.url));
const missing = secretServiceMissing() ?? keyutilsMissing();
const skipped = process.platform !== 'linux' || (missing !== undefined && !keyringRequired());
const directories = temporaryDirectories();

describe.skipIf(skipped)(
  `the data key's kernel keyring copy ${skipped ? `(skipped: ${missing ?? 'not Linux'})` : ''}`,
  () => {
    let service: SecretService | undefined;
    let results: Record<string, Record<string, unknown>>;
    beforeAll(async () => {
      if (missing) throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${missing}`);
      service = await startSecretService();
      const { stdout } = await promisify(execFile)(
        'keyctl',
        ['session', '-', process.execPath, SCENARIOS, await directories.make()],
        {
          env: { PATH: process.env.PATH ?? '', ...service.env },
          timeout: 60_000,
        },
      );
      results = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    });
    afterAll(async () => {
      await service?.stop();
      await directories.removeAll();
    });

    it('is made from the Secret Service key, and a later hit reads the key from it alone', () => {
      expect(results.made).toEqual({ copyEqualsStored: true, hit: 'sealed-once' });
    });

    it('a write asks the Secret Service first: its key seals, and replaces a stale copy', () => {
      expect(results.write).toEqual({ copyIsNewKey: true, withoutCopy: 'new-key' });
    });

    it('a file the copy cannot open is tried once more with the Secret Service key, and the copy repaired', () => {
      expect(results.stale).toEqual({ hit: 'sealed', warnings: [], copyRepaired: true });
    });

    it('keyringKernelCopy: false (or OIDCFLOW_KEYRING_KERNEL_COPY=off) neither reads nor makes one', () => {
      expect(results.off).toEqual({ afterOption: null, hit: 'no-copy', afterEnvironment: null });
    });
  },
);
