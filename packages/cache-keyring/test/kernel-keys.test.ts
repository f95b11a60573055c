// forgetKernelKeysUnder (the `testing` entry): what keyring caches in a directory left in the
// kernel keyring (data key copies, decode memos) goes when a test removes the directory — and
// only that: a directory beside it (another run) keeps its keys. Real gnome-keyring, real kernel
// keyring, the caches sealed in a process with a session keyring of its own.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetKernelKeysUnder } from '../src/testing/index.js';
import {
  keyringRequired,
  keyutilsMissing,
  type SecretService,
  secretServiceMissing,
  startSecretService,
} from './secret-service.js';
import { temporaryDirectories } from './temporary-directory.js';

const SCENARIO = fileURLToPath(new URL('./fixtures/kernel-keys-scenario.mjs', import.meta.url));
const missing = secretServiceMissing() ?? keyutilsMissing();
const skipped = process.platform !== 'linux' || (missing !== undefined && !keyringRequired());
const directories = temporaryDirectories();

/** The kernel keyring's user keys whose description names a path in `directory` (or it). */
const keysNaming = (directory: string) =>
  readFileSync('/proc/keys', 'utf8')
    .split('\n')
    .filter(
      (line) => / user /.test(line) && (line.includes(`${directory}/`) || line.includes(`${directory}@`)),
    );

describe.skipIf(skipped)(
  `forgetKernelKeysUnder ${skipped ? `(skipped: ${missing ?? 'not Linux'})` : ''}`,
  () => {
    let service: SecretService | undefined;
    let base: string;
    beforeAll(async () => {
      if (missing) throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${missing}`);
      service = await startSecretService();
      base = await directories.make();
      await promisify(execFile)('keyctl', ['session', '-', process.execPath, SCENARIO, base], {
        env: { PATH: process.env.PATH ?? '', ...service.env },
        timeout: 60_000,
      });
    });
    afterAll(async () => {
      await service?.stop();
      forgetKernelKeysUnder(base);
      await directories.removeAll();
    });

    it('removes every copy and memo naming a path in the directory, and none of the directory beside it', async () => {
      // Two caches under run/: a copy and a memo each (the control that the caches made them).
      expect(keysNaming(`${base}/run`)).toHaveLength(4);
      expect(keysNaming(`${base}/next-run`)).toHaveLength(2);

      expect(forgetKernelKeysUnder(`${base}/run`)).toBe(4);
      // Unlinked at once; the kernel frees them within moments (bounded wait: 5 s).
      for (let wait = 0; wait < 100 && keysNaming(`${base}/run`).length > 0; wait += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(keysNaming(`${base}/run`)).toEqual([]);
      // `next-run` starts like `run`: a prefix is not enough to be inside it.
      expect(keysNaming(`${base}/next-run`)).toHaveLength(2);
      expect(forgetKernelKeysUnder(`${base}/run`)).toBe(0);
    });

    it('removes a copy a process without a session keyring of its own left in the user-session keyring', async () => {
      // What the binding writes there, from a test runner or CI job that has no session keyring
      // of its own: possessor-only, and kept until the user's last process ends.
      const description = `keyring:token-cache-key:${base}/user-session@oidcflow-session-copy`;
      await promisify(execFile)('keyctl', ['add', 'user', description, 'fake-data-key', '@us']);
      expect(keysNaming(`${base}/user-session`)).toHaveLength(1);
      expect(forgetKernelKeysUnder(`${base}/user-session`)).toBe(1);
      for (let wait = 0; wait < 100 && keysNaming(`${base}/user-session`).length > 0; wait += 1)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(keysNaming(`${base}/user-session`)).toEqual([]);
    });
  },
);
