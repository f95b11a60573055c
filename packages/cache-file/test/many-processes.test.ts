// Many processes started at once against one cache directory and the embedded IdP (which
// runs here, in the test's process): the cross-process lock must make them share one
// refresh, one grant, one browser login.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheKeyFor, OidcAuth, silentLogger } from '@oidcflow/core';
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFileCache } from '../src/index.js';
import { fixture, getTokensInProcesses, killAll } from './processes.js';
import { temporaryDirectories } from './temporary-directory.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});

const directories = temporaryDirectories();
let cachePath: string;
let home: string;
beforeEach(async () => {
  cachePath = join(await directories.make(), 'oidcflow');
  home = await directories.make('oidcflow-home-');
  idp.requests.reset();
});
afterEach(async () => {
  killAll();
  await directories.removeAll();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const USER_SCOPES = ['openid', 'profile'];

function userSettings(extra: Record<string, unknown> = {}) {
  return {
    kind: 'user' as const,
    options: {
      issuer: idp.issuer,
      clientId: idp.clients.native.clientId,
      scopes: USER_SCOPES,
      cachePath,
      // the file cache itself: under 'auto' the workspace's keyring cache would be tried first
      cache: 'file' as const,
      flow: 'auth_code',
      callbackPort: 0,
      ...extra,
    },
  };
}

/** The cache directory holds the token file and nothing else once every process is done. */
async function expectOnlyTheTokenFile(): Promise<void> {
  const names = await readdir(cachePath);
  expect(names).toHaveLength(1);
  expect(names[0]).toMatch(/^[0-9a-f]{32}\.json$/);
  if (process.platform !== 'win32') {
    expect((await stat(cachePath)).mode & 0o777).toBe(0o700);
    expect((await stat(join(cachePath, names[0]!))).mode & 0o777).toBe(0o600);
  }
}

describe('16 processes at once', () => {
  it('finding an expired access token with a rotating refresh token: 16 succeed, 1 refresh at the IdP', async () => {
    // One real browser login (flow-authcode; the "browser" fills the IdP's pages with fetch).
    const login = new OidcAuth({
      ...userSettings().options,
      plugins: [createFileCache({ cachePath })],
      logger: silentLogger,
      env: {},
      ports: {
        openUrl: async (url) => {
          // Like a real browser: opened, then it talks to the listener on its own.
          void completeAuthorizationWithoutBrowser(url, idp.user).then((callback) => fetch(callback));
          return true;
        },
        output: { write: () => true },
      },
    });
    const first = await login.getTokens();
    expect(first.refreshToken).toBeTruthy();

    // Expire the access token in the file, as time would.
    const cache = createFileCache({ cachePath });
    const key = cacheKeyFor({
      issuer: idp.issuer,
      clientId: idp.clients.native.clientId,
      scopes: USER_SCOPES,
      family: 'user',
    });
    const entry = await cache.get(key);
    await cache.set(key, { ...entry!, tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000 } });
    idp.requests.reset();

    // A process that failed to see the refreshed token would try to log in: no browser, short timeout.
    const { results, stderr } = await getTokensInProcesses(
      16,
      userSettings({ openBrowser: false, callbackTimeoutSeconds: 5 }),
      { HOME: home },
    );
    expect(
      results.filter((result) => !result.ok),
      stderr.join('\n'),
    ).toEqual([]);
    const hashes = new Set(results.map((result) => result.tokenHash));
    expect(hashes.size).toBe(1);
    expect(hashes.has(sha256(first.accessToken))).toBe(false);
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    expect(idp.requests.tokenRequests()).toBe(1);
    expect(idp.requests.discoveryRequests()).toBe(0); // the metadata came from the cache

    const refreshed = await cache.get(key);
    expect(sha256(refreshed!.tokens.accessToken)).toBe([...hashes][0]);
    expect(refreshed!.tokens.refreshToken).not.toBe(first.refreshToken); // rotated, and saved
    await expectOnlyTheTokenFile();
  });

  it('with client credentials and nothing cached: 16 succeed, 1 grant at the IdP', async () => {
    const { results, stderr } = await getTokensInProcesses(
      16,
      {
        kind: 'client',
        options: { issuer: idp.issuer, clientId: idp.clients.ci.clientId, cachePath, cache: 'file' },
      },
      { HOME: home, OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret },
    );
    expect(
      results.filter((result) => !result.ok),
      stderr.join('\n'),
    ).toEqual([]);
    expect(new Set(results.map((result) => result.tokenHash)).size).toBe(1);
    expect(idp.requests.tokenRequests('client_credentials')).toBe(1);
    expect(idp.requests.tokenRequests()).toBe(1);
    await expectOnlyTheTokenFile();
    const stored = await readFile(join(cachePath, (await readdir(cachePath))[0]!), 'utf8');
    expect(stored).not.toContain(idp.clients.ci.clientSecret);
    for (const text of stderr) expect(text).not.toContain(idp.clients.ci.clientSecret);
  });
});

describe('8 processes at once with an empty cache and the authorization code flow', () => {
  it('open exactly 1 browser, and all 8 get the token of that one login', async () => {
    const browserLog = join(home, 'opened-urls.txt');
    await writeFile(browserLog, '');
    const { results, stderr } = await getTokensInProcesses(8, userSettings({ callbackTimeoutSeconds: 60 }), {
      HOME: home,
      // Core's opener runs BROWSER without a shell: "<node> <script> <log>", the URL appended;
      // it passes on only what a browser needs of the environment, so the log is an argument.
      BROWSER: `${process.execPath} ${fixture('fake-browser.mjs')} ${browserLog}`,
    });
    expect(
      results.filter((result) => !result.ok),
      stderr.join('\n'),
    ).toEqual([]);
    expect(new Set(results.map((result) => result.tokenHash)).size).toBe(1);
    const opened = (await readFile(browserLog, 'utf8')).split('\n').filter(Boolean);
    expect(opened).toHaveLength(1);
    expect(new URL(opened[0]!).origin).toBe(idp.issuer);
    expect(new URL(opened[0]!).searchParams.get('redirect_uri')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/callback$/,
    );
    expect(idp.requests.tokenRequests('authorization_code')).toBe(1);
    expect(idp.requests.tokenRequests()).toBe(1);
    await expectOnlyTheTokenFile();
  });
});
