// Where no keyring answers (SSH without D-Bus, CI, containers: DBUS_SESSION_BUS_ADDRESS unset),
// the choice between the clear-text file cache and an error follows `cacheFallback`, and
// `explain()` says which store holds the tokens and why. Real processes, real embedded IdP.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { OidcCredentialsAuth, silentLogger } from '@oidcflow/core';
import { KEYRING_FALLBACK_NOTICE_FILE } from '@oidcflow/core/keyring-fallback';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getTokensInProcesses, killAll } from './processes.js';
import {
  keyringRequired,
  keyutilsMissing,
  type SecretService,
  secretServiceMissing,
  startSecretService,
  withoutDbusSession,
} from './secret-service.js';
import { temporaryDirectories } from './temporary-directory.js';

const directories = temporaryDirectories();
let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});
afterEach(async () => {
  killAll();
  await directories.removeAll();
});

/**
 * One process wanting a client-credentials token with `choice`, in `env` (no D-Bus unless
 * given), started through `launcher` when given.
 */
async function oneProcess(
  choice: Record<string, string>,
  env: Record<string, string> = {},
  launcher: readonly string[] = [],
  cachePath?: string,
) {
  cachePath ??= join(await directories.make(), 'oidcflow');
  const home = await directories.make('oidcflow-home-');
  const { results, stderr } = await getTokensInProcesses(
    1,
    {
      kind: 'client',
      explain: true,
      options: { issuer: idp.issuer, clientId: idp.clients.ci.clientId, cachePath, ...choice },
    },
    { HOME: home, OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret, ...env },
    90_000,
    launcher,
  );
  const names = await readdir(cachePath).catch(() => [] as string[]);
  return {
    result: results[0]!,
    stderr: stderr[0] ?? '',
    files: names.filter((name) => !name.endsWith('.lock')),
    cachePath,
  };
}

describe.skipIf(process.platform !== 'linux')(
  'with no D-Bus session (DBUS_SESSION_BUS_ADDRESS unset)',
  () => {
    it("cache: 'keyring' fails with CACHE_KEYRING_UNAVAILABLE by default, and writes nothing", async () => {
      const { result, files } = await oneProcess({ cache: 'keyring' });
      expect(result.ok).toBe(false);
      expect(result.code).toBe('CACHE_KEYRING_UNAVAILABLE');
      expect(result.message).toContain("cacheFallback: 'file'");
      expect(files.filter((name) => name.endsWith('.json') || name.endsWith('.sealed'))).toEqual([]);
    });

    it("cache: 'keyring' with cacheFallback: 'file' keeps the tokens in a file, warns, and explain() says why", async () => {
      const { result, stderr, files } = await oneProcess({ cache: 'keyring', cacheFallback: 'file' });
      expect(result.ok, result.message).toBe(true);
      expect(result.cache?.plugin).toBe('file');
      expect(result.cache?.reason).toMatch(
        /^no OS keyring answers \(.+\); cacheFallback is 'file', so tokens are kept in clear/,
      );
      expect(stderr).toContain('no OS keyring answers');
      expect(stderr).toContain("cacheFallback: 'error'");
      expect(files.sort()).toEqual([
        expect.stringMatching(/^[0-9a-f]{32}\.json$/),
        KEYRING_FALLBACK_NOTICE_FILE,
      ]);
    });

    it("cache: 'auto' (the default) falls back to the file cache and says so", async () => {
      const { result, files } = await oneProcess({});
      expect(result.ok, result.message).toBe(true);
      expect(result.cache?.plugin).toBe('file');
      expect(result.cache?.reason).toContain("cacheFallback is 'file'");
      expect(files.sort()).toEqual([
        expect.stringMatching(/^[0-9a-f]{32}\.json$/),
        KEYRING_FALLBACK_NOTICE_FILE,
      ]);
    });

    it('says the fallback once per cache directory: two calls, one warning; explain() keeps saying it', async () => {
      const first = await oneProcess({});
      const second = await oneProcess({}, {}, [], first.cachePath);
      expect(first.stderr.match(/no OS keyring answers/g)).toHaveLength(1);
      expect(first.stderr).toContain(`remembered in ${join(first.cachePath, KEYRING_FALLBACK_NOTICE_FILE)}`);
      expect(second.stderr).toBe('');
      expect(second.result.cache?.plugin).toBe('file');
      expect(second.result.cache?.reason).toMatch(
        /^no OS keyring answers \(.+\); cacheFallback is 'file', so tokens are kept in clear in .+; said once, on \d{4}-\d\d-\d\dT[^ ]+ \(remembered in .+keyring-fallback\.notice\)$/,
      );
      // Another cache directory is told once too.
      const elsewhere = await oneProcess({});
      expect(elsewhere.stderr).toContain('no OS keyring answers');
    });

    it("cache: 'auto' with cacheFallback: 'error' (or OIDCFLOW_CACHE_FALLBACK=error) fails instead", async () => {
      const byOption = await oneProcess({ cacheFallback: 'error' });
      expect(byOption.result.code).toBe('CACHE_KEYRING_UNAVAILABLE');
      const byEnvironment = await oneProcess({}, { OIDCFLOW_CACHE_FALLBACK: 'error' });
      expect(byEnvironment.result.code).toBe('CACHE_KEYRING_UNAVAILABLE');
    });

    it('getCachedTokens() (what `oidcflow status` shows) names the store and why', async () => {
      await withoutDbusSession(async () => {
        const warnings: string[] = [];
        const auth = new OidcCredentialsAuth({
          issuer: idp.issuer,
          clientId: idp.clients.ci.clientId,
          clientSecret: idp.clients.ci.clientSecret,
          cachePath: join(await directories.make(), 'oidcflow'),
          cache: 'keyring',
          cacheFallback: 'file',
          env: {},
          logger: { ...silentLogger, warn: (message: string) => warnings.push(message) },
          loadModule: (specifier) =>
            specifier === '@oidcflow/cache-keyring' ? import('../src/index.js') : import(specifier),
        });
        await auth.getAccessToken();
        const cached = await auth.getCachedTokens();
        expect(cached?.cache.plugin).toBe('file');
        expect(cached?.cache.reason).toContain('no OS keyring answers');
        expect(warnings.filter((message) => message.includes('no OS keyring answers'))).toHaveLength(1);
      });
    });

    it("cache: 'file' asks for the file cache by name: no keyring is asked, no warning", async () => {
      const { result, stderr } = await oneProcess({ cache: 'file' });
      expect(result.ok, result.message).toBe(true);
      expect(result.cache?.plugin).toBe('file');
      expect(result.cache?.reason).toBeUndefined();
      expect(stderr).not.toContain('keyring');
    });
  },
);

// A login over SSH: pam_keyinit gives the session a kernel session keyring, but there is no
// D-Bus. @napi-rs/keyring's own choice would then keep the data key in the kernel keyring
// (keyutils: in memory, gone at reboot; and in a process without a session keyring, reachable
// or not depending on whether libuv's threads started before the first keyring call, which is
// what differed between Node 20 and Node 24). The keyring cache pins the Secret Service, so it
// falls back here as configured, on every Node.
const noKeyutils = keyutilsMissing();
const keyutilsSkipped = noKeyutils !== undefined && !keyringRequired();
describe.skipIf(keyutilsSkipped)(
  `with a kernel session keyring but no D-Bus session (keyctl session) ${keyutilsSkipped ? `(skipped: ${noKeyutils})` : ''}`,
  () => {
    const inKernelSession = ['keyctl', 'session', '-'];
    beforeAll(() => {
      if (noKeyutils) throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${noKeyutils}`);
    });

    it('the kernel keyring answers there: @napi-rs/keyring left to choose keeps a value in it', async () => {
      const probe = fileURLToPath(new URL('./fixtures/kernel-keyring-probe.mjs', import.meta.url));
      const { stdout } = await promisify(execFile)('keyctl', ['session', '-', process.execPath, probe], {
        env: { PATH: process.env.PATH ?? '' },
        timeout: 30_000,
      });
      expect(JSON.parse(stdout)).toEqual({ kept: true });
    });

    it("cache: 'auto' does not take it for a keyring: the file cache, and explain() says why", async () => {
      const { result, files, cachePath } = await oneProcess({}, {}, inKernelSession);
      expect(result.ok, result.message).toBe(true);
      expect(result.cache?.plugin).toBe('file');
      expect(result.cache?.reason).toMatch(
        /^no OS keyring answers \(the Secret Service \(D-Bus\) cannot be reached: .+; the kernel keyring is not used, it forgets keys at reboot\); cacheFallback is 'file'/,
      );
      expect(files.sort()).toEqual([
        expect.stringMatching(/^[0-9a-f]{32}\.json$/),
        KEYRING_FALLBACK_NOTICE_FILE,
      ]);
      // No data key of this cache directory went to the kernel keyring either.
      expect(await readFile('/proc/keys', 'utf8')).not.toContain(`token-cache-key:${cachePath}`);
    });

    it("cache: 'keyring' fails with CACHE_KEYRING_UNAVAILABLE there", async () => {
      const { result, files } = await oneProcess({ cache: 'keyring' }, {}, inKernelSession);
      expect(result.code).toBe('CACHE_KEYRING_UNAVAILABLE');
      expect(result.message).toContain('the Secret Service (D-Bus) cannot be reached');
      expect(files).toEqual([]);
    });
  },
);

const missing = secretServiceMissing();
describe.skipIf(missing !== undefined)(
  `where a Secret Service answers ${missing ? `(skipped: ${missing})` : ''}`,
  () => {
    let service: SecretService | undefined;
    beforeAll(async () => {
      service = await startSecretService();
    });
    afterAll(async () => {
      await service?.stop();
    });

    it("cache: 'auto' prefers the keyring cache, and explain() says so", async () => {
      const { result, files } = await oneProcess(
        {},
        { DBUS_SESSION_BUS_ADDRESS: service!.env.DBUS_SESSION_BUS_ADDRESS ?? '' },
      );
      expect(result.ok, result.message).toBe(true);
      expect(result.cache?.plugin).toBe('keyring');
      expect(result.cache?.reason).toContain('the OS keyring answered (the Secret Service (D-Bus))');
      expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{32}\.sealed$/)]);
    });
  },
);
