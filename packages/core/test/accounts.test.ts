// Several accounts for one set of settings, against the embedded IdP with two users. The
// "human" at the IdP's page is `atThePage.user`: the login page is pre-filled with the
// login_hint, but whoever signs in decides who is logged in.
import {
  completeAuthorizationWithoutBrowser,
  startTestIdp,
  type TestIdp,
  type TestUser,
} from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachePlugin,
  cacheKeyFor,
  createMemoryCache,
  ErrorCode,
  OidcAuth,
  type OidcAuthOptions,
  silentLogger,
} from '../src/index.js';
import { errorOf } from './error-of.js';
import { loaderWith } from './fake-flows.js';
import { headlessPortFlow } from './test-flows.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});

let cache: CachePlugin;
const atThePage: { user: TestUser } = { user: undefined as unknown as TestUser };
beforeEach(() => {
  cache = createMemoryCache();
  atThePage.user = idp.users.alice;
  idp.requests.reset();
});

const humanAtThePage = {
  get login() {
    return atThePage.user.login;
  },
  get password() {
    return atThePage.user.password;
  },
};

const auth = (extra: Partial<OidcAuthOptions> = {}) =>
  new OidcAuth({
    issuer: idp.issuer,
    clientId: idp.clients.native.clientId,
    scopes: ['openid', 'profile', 'email'],
    flow: 'headless_port_code',
    plugins: [cache, headlessPortFlow(completeAuthorizationWithoutBrowser, humanAtThePage)],
    loadModule: loaderWith({}),
    logger: silentLogger,
    env: {},
    ...extra,
  });

const settingsKey = () =>
  cacheKeyFor({
    issuer: idp.issuer,
    clientId: idp.clients.native.clientId,
    scopes: ['openid', 'profile', 'email'],
    family: 'user',
  });

const names = async () => (await auth().accounts()).map((a) => `${a.username}${a.current ? '*' : ''}`);
const subOf = async (options: Partial<OidcAuthOptions> = {}) =>
  (await auth(options).getTokens()).idTokenClaims?.sub;

/** Logs alice in (current), then bob with login(account bob): bob becomes current. */
async function aliceThenBob() {
  await auth().login();
  atThePage.user = idp.users.bob;
  await auth({ account: 'bob' }).login();
  atThePage.user = idp.users.alice;
}

describe('accounts', () => {
  it('a second login keeps the first account; calls without account get the current one, with account the named one, from the cache', async () => {
    await aliceThenBob();
    expect(await names()).toEqual(['bob*', 'alice']);
    idp.requests.reset();
    expect(await subOf()).toBe('bob');
    // bob signed in after alice (each walk here is a browser of its own, so her session lives):
    // her first use is checked with one refresh, then she comes from the cache like bob.
    expect(await subOf({ account: 'alice' })).toBe('alice');
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    idp.requests.reset();
    expect(await subOf({ account: 'alice' })).toBe('alice');
    expect(await subOf({ account: 'alice@example.test' })).toBe('alice');
    expect(await subOf({ account: 'bob' })).toBe('bob');
    expect(idp.requests.count()).toBe(0);
  });

  it('useAccount switches what calls without account get: no request between accounts no later sign-in marked; one refresh for the one that was', async () => {
    await aliceThenBob();
    idp.requests.reset();
    // alice is marked by bob's later sign-in: the switch checks her session with one refresh.
    expect((await auth().useAccount('ALICE')).sub).toBe('alice');
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    idp.requests.reset();
    expect(await names()).toEqual(['alice*', 'bob']);
    expect(await subOf()).toBe('alice');
    expect(await subOf({ account: 'bob' })).toBe('bob');
    // Nobody signed in since: switching back and forth makes no request.
    expect((await auth().useAccount('bob')).sub).toBe('bob');
    expect((await auth().useAccount('alice')).sub).toBe('alice');
    expect(await subOf()).toBe('alice');
    expect(idp.requests.count()).toBe(0);
  });

  it('logout of one account leaves the other; logging out the current one makes the next current', async () => {
    await aliceThenBob();
    const out = await auth({ account: 'alice' }).logout();
    expect(out).toMatchObject({ removed: true, revoked: true, account: { sub: 'alice' } });
    expect(await names()).toEqual(['bob*']);
    expect(await subOf()).toBe('bob');

    atThePage.user = idp.users.alice;
    await auth({ account: 'alice' }).login();
    expect(await names()).toEqual(['alice*', 'bob']);
    const current = await auth().logout();
    expect(current).toMatchObject({ account: { sub: 'alice' }, nowCurrent: { sub: 'bob' } });
    idp.requests.reset();
    // alice signed in after bob: his first use is checked with one refresh, then a hit.
    expect(await subOf()).toBe('bob');
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    idp.requests.reset();
    expect(await subOf()).toBe('bob');
    expect(idp.requests.count()).toBe(0);
  });

  it('a token for an account not logged in: login with login_hint, kept beside the current one without switching', async () => {
    await auth().login();
    atThePage.user = idp.users.bob;
    expect(await subOf({ account: 'bob' })).toBe('bob');
    const authorization = idp.requests.list({ path: '/auth', method: 'GET' }).at(-1);
    expect(authorization?.parameters.login_hint).toBe('bob');
    expect(await names()).toEqual(['alice*', 'bob']);
    expect(await subOf()).toBe('alice');
  });

  it('a login that returns another user than the account asked for is an error, and nothing is stored', async () => {
    await auth().login();
    // bob is asked for; alice signs in at the page.
    const unknown = await errorOf(() => auth({ account: 'bob' }).login());
    expect(unknown.code).toBe(ErrorCode.ACCOUNT_MISMATCH);
    expect(unknown.message).toMatch(
      /Account "bob" was asked for, and the IdP logged in alice \(sub alice\)\. Nothing was stored/,
    );
    // A known account must come back with its own sub, too.
    atThePage.user = idp.users.bob;
    await auth({ account: 'bob' }).getTokens();
    atThePage.user = idp.users.alice;
    const known = await errorOf(() => auth({ account: 'bob', forceLogin: true }).getTokens());
    expect(known.code).toBe(ErrorCode.ACCOUNT_MISMATCH);
    expect(await names()).toEqual(['alice*', 'bob']);
    expect(await subOf({ account: 'bob' })).toBe('bob');
  });

  it('an unknown account lists the known ones', async () => {
    await aliceThenBob();
    for (const action of [() => auth().useAccount('carol'), () => auth({ account: 'carol' }).logout()]) {
      const error = await errorOf(action);
      expect(error.code).toBe(ErrorCode.ACCOUNT_UNKNOWN);
      expect(error.message).toMatch(
        /No account "carol" is logged in with these settings\. Known accounts: bob, alice\./,
      );
    }
  });

  it('a kept account is refreshed under its own key; the current one stays', async () => {
    await aliceThenBob();
    await auth().useAccount('alice');
    const bobKey = cacheKeyFor({ ...settingsKey(), account: 'bob' });
    const kept = await cache.get(bobKey);
    await cache.set(bobKey, { ...kept!, tokens: { ...kept!.tokens, expiresAt: Date.now() - 1000 } });
    idp.requests.reset();
    const refreshed = await auth({ account: 'bob' }).getTokens();
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    expect((await cache.get(bobKey))?.tokens.accessToken).toBe(refreshed.accessToken);
    expect(await names()).toEqual(['alice*', 'bob']);
  });

  it('an entry cached before accounts existed is the current account; a new user is added beside it', async () => {
    await auth().login();
    const { account: _account, ...legacy } = (await cache.get(settingsKey()))!;
    await cache.set(settingsKey(), legacy);
    expect(await names()).toEqual(['alice*']);
    expect(await subOf({ account: 'alice' })).toBe('alice');
    atThePage.user = idp.users.bob;
    await auth().login();
    expect(await names()).toEqual(['bob*', 'alice']);
  });
});
