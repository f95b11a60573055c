// The CLI's default cache (`--cache auto`, nothing set), as a user meets it: where a Secret
// Service answers (a real gnome-keyring in a private D-Bus session), the keyring cache, and no
// token lands anywhere in clear; where none answers, the file cache, said once per cache
// directory (two calls, one warning), and `status` / `explain` keep saying it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { completeDeviceVerificationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, CliSandbox, moduleNames } from './support/cli-process.js';
import {
  keyringRequired,
  type SecretService,
  secretServiceMissing,
  startSecretService,
} from './support/secret-service.js';

let idp: TestIdp;
let sandbox: CliSandbox;

beforeAll(async () => {
  assertBuilt();
  idp = await startTestIdp({ deviceIntervalSeconds: 1 });
});
afterAll(async () => {
  await idp.stop();
});
beforeEach(async () => {
  sandbox = await CliSandbox.create();
});
afterEach(async () => {
  await sandbox.dispose();
});

/** The CLI's own default: no OIDCFLOW_CACHE (the sandbox otherwise pins the file cache). */
const DEFAULT_CACHE = { OIDCFLOW_CACHE: undefined };

/** The packages' files `args` loads (below packages/), sorted, with the command's result. */
async function packagesLoadedBy(args: string[], env: Record<string, string | undefined>) {
  const { result, urls } = await sandbox.importsOf(args, env);
  return { result, loaded: moduleNames(urls.filter((url) => url.startsWith('file:'))) };
}

const device = () => [
  '--issuer',
  idp.issuer,
  '--client-id',
  idp.clients.device.clientId,
  '--flow',
  'device',
  '--no-browser',
  '--cache-path',
  sandbox.cachePath,
];
const client = () => [
  '--issuer',
  idp.issuer,
  '--client-id',
  idp.clients.ci.clientId,
  '--client-credentials',
  '--cache-path',
  sandbox.cachePath,
];

/** Every file below `directory` (recursively) with its text. */
async function filesBelow(directory: string): Promise<Array<{ name: string; text: string }>> {
  const names = await readdir(directory, { recursive: true }).catch(() => [] as string[]);
  const files = [];
  for (const name of names) {
    const text = await readFile(join(directory, name), 'utf8').catch(() => undefined);
    if (text !== undefined) files.push({ name, text });
  }
  return files;
}

const missing = secretServiceMissing();
const skipped = missing !== undefined && !keyringRequired();
describe.skipIf(skipped)(`where a Secret Service answers ${skipped ? `(skipped: ${missing})` : ''}`, () => {
  let service: SecretService | undefined;
  beforeAll(async () => {
    if (missing) throw new Error(`OIDCFLOW_REQUIRE names keyring, but ${missing}`);
    service = await startSecretService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('a user login is kept in the keyring cache: no access, refresh or ID token in clear anywhere in HOME', async () => {
    const env = {
      ...DEFAULT_CACHE,
      DBUS_SESSION_BUS_ADDRESS: service!.address,
      OIDCFLOW_KEYRING_KERNEL_COPY: 'off',
    };
    const login = sandbox.start(
      ['token', ...device(), '--output', 'json', '--include-refresh-token', '--token-type', 'access'],
      env,
      60_000,
    );
    const [, url] = await login.waitForStderr(/code filled in:\s*\n\s+(\S+)/);
    await completeDeviceVerificationWithoutBrowser(url!, idp.user);
    const result = await login.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('no OS keyring answers');
    const tokens = JSON.parse(result.stdout) as Record<string, string>;
    const secrets = [tokens.access_token, tokens.refresh_token, tokens.id_token];
    expect(secrets.every((secret) => typeof secret === 'string' && secret.length > 20)).toBe(true);

    // A hit from the keyring cache in a new process, and `status` names the store.
    const hit = await sandbox.run(['token', ...device()], env);
    expect(hit.code, hit.stderr).toBe(0);
    expect(hit.stdout.trim()).toBe(tokens.access_token);
    const status = await sandbox.run(['status', ...device()], env);
    expect(status.stdout).toMatch(/cache store:\s+keyring: the OS keyring answered/);

    const files = await filesBelow(sandbox.home);
    expect(files.some((file) => file.name.endsWith('.sealed'))).toBe(true);
    for (const file of files) {
      for (const secret of secrets) expect(file.text, file.name).not.toContain(secret as string);
    }
  });

  it('a location that fell back: once a Secret Service answers, the keyring cache again (the clear file sealed, the notice gone), and a later fallback is said again', async () => {
    const secret = { ...DEFAULT_CACHE, OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret };
    const withBus = {
      ...secret,
      DBUS_SESSION_BUS_ADDRESS: service!.address,
      OIDCFLOW_KEYRING_KERNEL_COPY: 'off',
    };
    const fellBack = await sandbox.run(['token', ...client()], secret);
    expect(fellBack.code, fellBack.stderr).toBe(0);
    expect(fellBack.stderr).toContain('no OS keyring answers');
    expect((await readdir(sandbox.cachePath)).includes('keyring-fallback.notice')).toBe(true);

    // The recorded fallback is not taken where a session bus exists: the keyring cache is asked.
    const answered = await packagesLoadedBy(['token', ...client()], withBus);
    expect(answered.result.code, answered.result.stderr).toBe(0);
    expect(answered.result.stdout).toBe(fellBack.stdout);
    expect(answered.loaded).toContain('cache-keyring/dist/index.js');
    const names = await readdir(sandbox.cachePath);
    expect(names.some((name) => name.endsWith('.sealed'))).toBe(true);
    expect(names.filter((name) => name.endsWith('.json'))).toEqual([]);
    expect(names).not.toContain('keyring-fallback.notice');
    const status = await sandbox.run(['status', ...client()], withBus);
    expect(status.stdout).toMatch(/cache store:\s+keyring: the OS keyring answered/);

    // Without the bus again: a fallback is news again, said once more.
    const again = await sandbox.run(['token', ...client(), '--output', 'json'], secret);
    expect(again.stderr).toContain('no OS keyring answers');
  });
});

describe.skipIf(process.platform !== 'linux')('where no D-Bus session exists (SSH, CI, containers)', () => {
  it('falls back to the file cache and says so once: two calls, one warning', async () => {
    const secret = { ...DEFAULT_CACHE, OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret };
    const first = await sandbox.run(['token', ...client()], secret);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr.match(/no OS keyring answers/g)).toHaveLength(1);
    expect(first.stderr).toContain("cacheFallback is 'file', so tokens are kept in clear");
    expect(first.stderr).toContain('Said once for this cache directory');
    const second = await sandbox.run(['token', ...client()], secret);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toBe('');
    expect(second.stdout).toBe(first.stdout);
    // A miss in the full CLI (another scope) is no reason to say it again either.
    const full = await sandbox.run(['token', ...client(), '--output', 'json'], secret);
    expect(full.stderr).toBe('');

    const names = (await readdir(sandbox.cachePath)).filter((name) => !name.endsWith('.lock')).sort();
    expect(names).toEqual([expect.stringMatching(/^[0-9a-f]{32}\.json$/), 'keyring-fallback.notice']);
    // Once said, still no session bus: the next hits take the file cache without loading the
    // keyring cache (core reads the notice: kubectl and git call this for every command).
    const recorded = await packagesLoadedBy(['token', ...client()], secret);
    expect(recorded.result.code, recorded.result.stderr).toBe(0);
    expect(recorded.result.stdout).toBe(first.stdout);
    expect(recorded.loaded).toEqual(['cache-file/dist/index.js', 'cli/dist/bin.js', 'core/dist/index.js']);
    for (const command of ['status', 'explain']) {
      const shown = await sandbox.run([command, ...client()], secret);
      expect(shown.stdout, command).toMatch(/cache store:\s+(file: )?no OS keyring answers/);
      expect(shown.stdout.replace(/\s+/g, ' '), command).toMatch(/said once, on \d{4}-\d\d-\d\dT/);
    }
  });

  it('--cache keyring refuses instead (exit code and words), --cache-fallback error too; --cache file says nothing', async () => {
    const secret = { ...DEFAULT_CACHE, OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret };
    const byName = await sandbox.run(['token', ...client(), '--cache', 'keyring'], secret);
    expect(byName.code).not.toBe(0);
    expect(byName.stderr).toContain('No OS keyring answers here');
    expect(byName.stderr).toContain("cacheFallback: 'file'");
    const refused = await sandbox.run(['token', ...client()], {
      ...secret,
      OIDCFLOW_CACHE_FALLBACK: 'error',
    });
    expect(refused.code).toBe(byName.code);
    const file = await sandbox.run(['token', ...client(), '--cache', 'file'], secret);
    expect(file.code, file.stderr).toBe(0);
    expect(file.stderr).toBe('');
  });
});
