// Linux: the decode memo in the kernel keyring (src/entry-memo.ts). A hit in a new process whose
// sealed file is the exact envelope the memo was made from answers without loading node:crypto;
// another process's refresh is seen; edited, restored and planted files are never answered
// from the memo; logout removes it; key rotation and OIDCFLOW_KEYRING_KERNEL_COPY=off are
// honoured; and a kernel keyring that refuses (this user's key quota is full) only costs the
// decryption. Against a real gnome-keyring and the real kernel keyring, in a session keyring of
// its own (`keyctl session -`, as a desktop or SSH login has: pam_keyinit). The quota scenario
// runs as the unprivileged user `nobody` when the tests run as root (root's quota is 25 MB).
import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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

const FIXTURES = ['entry-memo-scenarios.mjs', 'memo-hit.mjs'];
const WITH_SECRET_SERVICE = fileURLToPath(new URL('../scripts/with-secret-service.sh', import.meta.url));
const missing = secretServiceMissing() ?? keyutilsMissing();
const skipped = process.platform !== 'linux' || (missing !== undefined && !keyringRequired());
const directories = temporaryDirectories();
const packages = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A directory laid out as npm installs core, cache-file, cache-keyring and @napi-rs/keyring with
 * its Linux binary (copies of the built packages), with the fixtures beside: readable by the
 * unprivileged user of the quota scenario wherever the checkout is. Returns the scenarios' path.
 */
async function appDirectory(): Promise<string> {
  const app = await directories.make('oidcflow-memo-app-');
  await chmod(app, 0o755);
  for (const name of ['core', 'cache-file', 'cache-keyring']) {
    const to = join(app, 'node_modules', '@oidcflow', name);
    await mkdir(to, { recursive: true });
    await cp(join(packages, name, 'package.json'), join(to, 'package.json'));
    await cp(join(packages, name, 'dist'), join(to, 'dist'), { recursive: true });
  }
  const binding = await realpath(join(packages, 'cache-keyring', 'node_modules', '@napi-rs', 'keyring'));
  const triple = `linux-${process.arch}-gnu`;
  for (const name of ['keyring', `keyring-${triple}`])
    await cp(join(dirname(binding), name), join(app, 'node_modules', '@napi-rs', name), { recursive: true });
  for (const fixture of FIXTURES)
    await cp(fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url)), join(app, fixture));
  // The file cache's module hook, which reports every module a process loads (memo-hit.mjs).
  await cp(
    join(packages, 'cache-file', 'test', 'fixtures', 'record-loads-hook.mjs'),
    join(app, 'record-loads-hook.mjs'),
  );
  return join(app, FIXTURES[0] as string);
}

type Hit = { token: string | null; crypto: boolean; warnings: string[] };
type Results = Record<string, Record<string, unknown>>;
const parse = (stdout: string): Results => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
/** A hit answered from the memo: the token, no node:crypto, no warning. */
const fromMemo = (token: string) => ({ token, crypto: false, warnings: [] });
/** A hit that decrypted the file. */
const decrypted = (token: string) => ({ token, crypto: true, warnings: [] });

describe.skipIf(skipped)(
  `the decode memo in the kernel keyring ${skipped ? `(skipped: ${missing ?? 'not Linux'})` : ''}`,
  () => {
    let service: SecretService | undefined;
    let results: Results;
    let quota: Results;
    beforeAll(async () => {
      if (missing) throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${missing}`);
      service = await startSecretService();
      const SCENARIOS = await appDirectory();
      const { stdout } = await promisify(execFile)(
        'keyctl',
        ['session', '-', process.execPath, SCENARIOS, 'main', await directories.make()],
        { env: { PATH: process.env.PATH ?? '', ...service.env }, timeout: 120_000 },
      );
      results = parse(stdout);
      // The quota scenario needs a user with the default kernel key quota (20000 bytes).
      const base = await directories.make();
      const asRoot = process.getuid?.() === 0;
      if (asRoot) await chmod(base, 0o777);
      const command = [
        WITH_SECRET_SERVICE,
        'keyctl',
        'session',
        '-',
        process.execPath,
        SCENARIOS,
        'quota',
        base,
      ];
      const unprivileged = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
      const [program, ...args] = asRoot ? [...unprivileged, ...command] : command;
      const quotaRun = await promisify(execFile)(program as string, args, {
        env: { PATH: process.env.PATH ?? '', HOME: base },
        timeout: 120_000,
      });
      quota = parse(quotaRun.stdout);
    }, 240_000);
    afterAll(async () => {
      await service?.stop();
      await directories.removeAll();
    });

    it('is kept at login, and a new process then answers from it without loading node:crypto', () => {
      expect(results.login).toEqual({
        memoNamesTheFile: true,
        first: fromMemo('at-login'),
        second: fromMemo('at-login'),
        // One file of this package: the chunks (sealing, opening, adoption) are not loaded.
        third: { ...fromMemo('at-login'), packageFiles: ['dist/index.js'] },
      });
    });

    it("sees another process's refresh: with that process's memo, and without one (then decrypts once)", () => {
      expect(results.refresh).toEqual({
        before: fromMemo('before-refresh'),
        refreshed: fromMemo('refreshed'),
        stale: decrypted('refreshed-without-memo'),
        replaced: fromMemo('refreshed-without-memo'),
      });
    });

    it('never answers an edited, restored or planted file from the memo', () => {
      const { memoBefore, edited, memoAfterEdit, restored, planted } = results.hostile as {
        memoBefore: boolean;
        edited: Hit;
        memoAfterEdit: string | null;
        restored: Hit;
        planted: Hit;
      };
      expect(memoBefore).toBe(true);
      // The edited envelope fails its GCM tag: a miss with the warning, and the memo removed.
      expect(edited).toMatchObject({ token: null, crypto: true });
      expect(edited.warnings.join('\n')).toContain('fails its integrity check');
      expect(memoAfterEdit).toBeNull();
      // An older envelope put back answers what it holds (opened), not the memo's newer token.
      expect(restored).toEqual(decrypted('older'));
      // Sealed under another directory's data key: a miss, as without the memo.
      expect(planted).toMatchObject({ token: null, crypto: true });
      expect(planted.warnings.join('\n')).toContain('another data key');
    });

    it('is removed by logout (the cache entry deleted)', () => {
      expect(results.logout).toEqual({ before: true, after: null, inProcKeys: false });
    });

    it('is not used once the data key was rotated: the old file is a miss and the memo removed', () => {
      const { after, memo } = results.rotation as { after: Hit; memo: string | null };
      expect(after).toMatchObject({ token: null, crypto: true });
      expect(after.warnings.join('\n')).toContain('another data key');
      expect(memo).toBeNull();
    });

    it('is off with OIDCFLOW_KEYRING_KERNEL_COPY=off: none made, every hit decrypts', () => {
      expect(results.off).toEqual({ first: decrypted('no-memo'), second: decrypted('no-memo'), memo: null });
    });

    it("costs only the decryption where the kernel keyring refuses (the user's key quota is full)", () => {
      expect(quota.quota).toMatchObject({
        full: { memo: null, first: decrypted('refused'), second: decrypted('refused') },
        freed: { memo: true, hit: fromMemo('refused') },
      });
      expect(quota.quota?.max).toBeLessThanOrEqual(200_000);
    });
  },
);
