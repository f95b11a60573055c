// The built `oidcflow` binary logging a user in against the embedded IdP, with no TTY and
// stdin ignored: the test plays the user's part from what oidcflow prints on stderr.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  completeAuthorizationWithoutBrowser,
  completeDeviceVerificationWithoutBrowser,
  startTestIdp,
  type TestIdp,
} from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, type CliProcess, CliSandbox } from './support/cli-process.js';

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

/** The native (auth code + PKCE) client, URL printed instead of a browser opened. */
function browserLogin(extra: string[] = []): string[] {
  return [
    '--issuer',
    idp.issuer,
    '--client-id',
    idp.clients.native.clientId,
    '--flow',
    'auth_code',
    '--no-browser',
    '--callback-port',
    '0',
    '--cache-path',
    sandbox.cachePath,
    ...extra,
  ];
}

function deviceLogin(extra: string[] = []): string[] {
  return [
    '--issuer',
    idp.issuer,
    '--client-id',
    idp.clients.device.clientId,
    '--flow',
    'device',
    '--no-browser',
    '--cache-path',
    sandbox.cachePath,
    ...extra,
  ];
}

const AUTHORIZATION_URL = /^\s+(http:\/\/127\.0\.0\.1:\d+\/auth\?\S+)$/m;

/** Does what the user would with the printed URL: sign in, consent, let the browser come back. */
async function actAsBrowser(cli: CliProcess, decision: 'approve' | 'deny' = 'approve'): Promise<void> {
  const [, url] = await cli.waitForStderr(AUTHORIZATION_URL);
  const callback = await completeAuthorizationWithoutBrowser(url!, idp.user, { decision });
  const page = await fetch(callback);
  await page.text();
}

async function approveDevice(cli: CliProcess): Promise<void> {
  const [, url] = await cli.waitForStderr(/code filled in:\s*\n\s+(\S+)/);
  await completeDeviceVerificationWithoutBrowser(url!, idp.user);
}

async function cacheFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await readdir(sandbox.cachePath)) {
    if (name.endsWith('.json')) files[name] = await readFile(`${sandbox.cachePath}/${name}`, 'utf8');
  }
  return files;
}

describe('oidcflow login', () => {
  it('auth_code: says on stderr who logged in and when the token expires; stdout stays empty', async () => {
    const cli = sandbox.start(['login', ...browserLogin()]);
    await actAsBrowser(cli);
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Logged in as alice with the auth_code flow\./);
    expect(result.stderr).toMatch(/expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(in (59|60) min\)/);
  });

  it('device: prints the code and URL on stderr, polls, and reports the login', async () => {
    const cli = sandbox.start(['login', ...deviceLogin()]);
    await approveDevice(cli);
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('enter the code:');
    expect(result.stderr).toMatch(/Logged in as alice with the device flow\./);
  });

  it('a browser given by BROWSER completes the login (the opener path a user takes)', async () => {
    const browser = fileURLToPath(new URL('./support/fake-browser.mjs', import.meta.url));
    const log = `${sandbox.home}/browser.log`;
    const args = browserLogin().filter((arg) => arg !== '--no-browser');
    const result = await sandbox.run(['login', ...args], {
      BROWSER: `${process.execPath} ${browser} ${log}`,
    });
    expect(result.stderr).toMatch(/Logged in as alice/);
    expect(result.code).toBe(0);
  });

  it('a refused consent ends with the login-denied exit code, and nothing is cached', async () => {
    const cli = sandbox.start(['login', ...browserLogin()]);
    await actAsBrowser(cli, 'deny');
    const result = await cli.done;
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/LOGIN_DENIED/);
    expect(Object.keys(await cacheFiles().catch(() => ({})))).toEqual([]);
  });

  it('a browser that never comes back ends with the timeout exit code', async () => {
    const result = await sandbox.run(['login', ...browserLogin(['--callback-timeout-seconds', '1'])]);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/LOGIN_TIMEOUT/);
  });
});

describe('oidcflow token for a user', () => {
  it('logs in when nothing is cached, then answers from the cache; json has no refresh token by default', async () => {
    const cli = sandbox.start(['token', ...browserLogin(['--output', 'json'])]);
    await actAsBrowser(cli);
    const first = await cli.done;
    expect(first.code).toBe(0);
    const json = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ token_type: 'Bearer', scope: expect.stringContaining('openid') });
    expect(typeof json.id_token).toBe('string');
    expect(json).not.toHaveProperty('refresh_token');
    // Everything printed for the login went to stderr; no token there.
    expect(first.stderr).not.toContain(json.access_token as string);

    const requestsBefore = idp.requests.count({ path: '/token' });
    const second = await sandbox.run([
      'token',
      ...browserLogin(['--output', 'json', '--include-refresh-token']),
    ]);
    expect(second.code).toBe(0);
    const withRefresh = JSON.parse(second.stdout) as Record<string, unknown>;
    expect(withRefresh.access_token).toBe(json.access_token);
    expect(typeof withRefresh.refresh_token).toBe('string');
    expect(idp.requests.count({ path: '/token' })).toBe(requestsBefore);

    const status = await sandbox.run(['status', ...browserLogin()]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/subject:\s+alice/);
    expect(status.stdout).toMatch(/refresh token:\s+cached/);
    expect(status.stdout).not.toContain(json.access_token as string);
    expect(status.stdout).not.toContain(withRefresh.refresh_token as string);
  });

  it('--force-login logs in again although a token is cached', async () => {
    const first = sandbox.start(['token', ...deviceLogin()]);
    await approveDevice(first);
    const token = (await first.done).stdout;
    const second = sandbox.start(['token', ...deviceLogin(['--force-login'])]);
    await approveDevice(second);
    const result = await second.done;
    expect(result.code).toBe(0);
    expect(result.stdout).not.toBe(token);
  });
});

describe('Ctrl-C', () => {
  it('aborts a login with exit 130 and leaves the cached tokens as they were', async () => {
    const login = sandbox.start(['login', ...browserLogin()]);
    await actAsBrowser(login);
    expect((await login.done).code).toBe(0);
    const before = await cacheFiles();
    expect(Object.keys(before)).toHaveLength(1);

    const again = sandbox.start(['login', ...browserLogin()]);
    await again.waitForStderr(AUTHORIZATION_URL);
    again.child.kill('SIGINT');
    const result = await again.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted \(SIGINT\); the token cache was left as it was/);
    expect(await cacheFiles()).toEqual(before);
    expect((await sandbox.run(['status', ...browserLogin()])).code).toBe(0);
  });
});
