// Two accounts, one browser, against the embedded oidc-provider: its pages are walked with one
// cookie jar per "browser", so the IdP's session behaves as in a real one — when bob signs in
// where alice's session is, the IdP ends hers (her refresh token gets invalid_grant).
import {
  BrowserlessCookies,
  completeAuthorizationWithoutBrowser,
  completeDeviceVerificationWithoutBrowser,
  signOutWithoutBrowser,
  startTestIdp,
  type TestIdp,
  type TestUser,
} from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CacheEntry,
  type CachePlugin,
  cacheKeyFor,
  createMemoryCache,
  ErrorCode,
  type FlowPlugin,
  type LaterSignIn,
  type Logger,
  OidcAuth,
  type OidcAuthOptions,
} from '../src/index.js';
import { errorOf } from './error-of.js';
import { loaderWith } from './fake-flows.js';
import { headlessDeviceFlow, headlessPortFlow } from './test-flows.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});

/** Who signs in at the page, and in which browser (its cookies: the IdP's session). */
const atThePage: { user: TestUser; browser: BrowserlessCookies } = {
  user: undefined as unknown as TestUser,
  browser: new BrowserlessCookies(),
};
let cache: CachePlugin;
let warnings: string[];
beforeEach(() => {
  cache = createMemoryCache();
  atThePage.user = idp.users.alice;
  atThePage.browser = new BrowserlessCookies();
  warnings = [];
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

/** The real code flow, its pages walked in the browser of `atThePage`; a browser flow unless told. */
function pageFlow(needsBrowser = true): FlowPlugin {
  const complete = ((url: string, user: TestUser) =>
    completeAuthorizationWithoutBrowser(url, user, {
      cookies: atThePage.browser,
    })) as typeof completeAuthorizationWithoutBrowser;
  return { ...headlessPortFlow(complete, humanAtThePage), needsBrowser };
}

const logger: Logger = {
  debug() {},
  warn: (message) => warnings.push(message),
};

const auth = (extra: Partial<OidcAuthOptions> = {}, flow = pageFlow()) =>
  new OidcAuth({
    issuer: idp.issuer,
    clientId: idp.clients.native.clientId,
    scopes: ['openid', 'profile', 'email'],
    flow: 'headless_port_code',
    plugins: [cache, flow],
    loadModule: loaderWith({}),
    logger,
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
const keptKey = (sub: string) => cacheKeyFor({ ...settingsKey(), account: sub });

/** The status of the userinfo endpoint for `accessToken`: 200 while the IdP accepts it. */
async function userinfo(accessToken: string): Promise<number> {
  const response = await fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  await response.body?.cancel();
  return response.status;
}

/** alice logs in; then bob (login with account) in the same browser, or in `bobsBrowser`. */
async function aliceThenBob(bobsBrowser = atThePage.browser) {
  const alice = await auth().login();
  const aliceBrowser = atThePage.browser;
  atThePage.user = idp.users.bob;
  atThePage.browser = bobsBrowser;
  await auth({ account: 'bob' }).login();
  atThePage.user = idp.users.alice;
  atThePage.browser = aliceBrowser;
  return alice;
}

const noToken = (text: string, ...tokens: (string | undefined)[]) =>
  tokens.every((token) => !token || !text.includes(token));

describe('two accounts, one browser', () => {
  it("bob's sign-in where alice's session is: one notice, alice marked; accounts use alice finds her session ended, removes her tokens and says how to log her in; a login in a private window brings her back and bob stays", async () => {
    const alice = await aliceThenBob();
    // The notice came once, before bob's sign-in, naming alice and the private window; no token.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Signing in as "bob" in the browser where alice signed in at the IdP can end alice's session there/,
    );
    expect(warnings[0]).toMatch(/--no-browser .*private browser window/);
    expect(noToken(warnings[0] ?? '', alice.accessToken, alice.refreshToken)).toBe(true);

    // The IdP ended alice's session: her access token is refused now.
    expect(await userinfo(alice.accessToken)).toBe(401);
    const marked = await cache.get(keptKey('alice'));
    expect(marked?.laterSignIn).toMatchObject({ account: { sub: 'bob', username: 'bob' } });
    expect((await auth().accounts()).map((a) => [a.username, a.current, a.laterSignIn?.account.sub])).toEqual(
      [
        ['bob', true, undefined],
        ['alice', false, 'bob'],
      ],
    );

    // The switch checks alice with one refresh; the IdP refuses it.
    idp.requests.reset();
    const ended = await errorOf(() => auth().useAccount('alice'));
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    expect(idp.requests.tokenRequests()).toBe(1);
    expect(ended.code).toBe(ErrorCode.NOT_LOGGED_IN);
    expect(ended.message).toMatch(
      /^The IdP session of account alice has ended: the IdP refused its refresh token, most likely because bob signed in in the same browser/,
    );
    expect(ended.message).toMatch(
      /Its tokens were removed, not handed out\. Log alice in again: oidcflow login --account alice /,
    );
    expect(ended.message).toMatch(/private browser window/);
    expect(noToken(ended.message, alice.accessToken, alice.refreshToken)).toBe(true);
    // Nothing switched; alice stays listed, without tokens; a call for her cannot get the dead one.
    expect(await cache.get(keptKey('alice'))).toBeUndefined();
    const listed = await auth().accounts();
    expect(listed.map((a) => [a.username, a.current, a.refreshable, a.expiresAt === undefined])).toEqual([
      ['bob', true, true, false],
      ['alice', false, false, true],
    ]);
    expect((await auth().getTokens()).idTokenClaims?.sub).toBe('bob');
    const none = await errorOf(() => auth({ account: 'alice' }).getTokens({ allowLogin: false }));
    expect(none.code).toBe(ErrorCode.NOT_LOGGED_IN);

    // alice logs in again in a private window (a browser of her own): she is current, bob is
    // marked (a browser sign-in came after him) and the notice names him.
    warnings = [];
    atThePage.browser = new BrowserlessCookies();
    const back = await auth({ account: 'alice' }).login();
    expect(back.idTokenClaims?.sub).toBe('alice');
    expect(await userinfo(back.accessToken)).toBe(200);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^Signing in as "alice" in the browser where bob signed in/);
    // bob's session was in the other browser: his check refreshes, and he is current again.
    idp.requests.reset();
    expect((await auth().useAccount('bob')).sub).toBe('bob');
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    expect((await cache.get(settingsKey()))?.laterSignIn).toBeUndefined();
    const bob = await auth().getTokens();
    expect(await userinfo(bob.accessToken)).toBe(200);
    expect(idp.requests.tokenRequests()).toBe(1);
  });

  it('in browsers of their own: the switch checks alice with one refresh, which works; she is current and unmarked, and her tokens are the refreshed ones', async () => {
    const alice = await aliceThenBob(new BrowserlessCookies());
    expect(warnings).toHaveLength(1);
    idp.requests.reset();
    expect((await auth().useAccount('alice')).sub).toBe('alice');
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    const current = await cache.get(settingsKey());
    expect(current?.account?.sub).toBe('alice');
    expect(current?.laterSignIn).toBeUndefined();
    expect(current?.tokens.accessToken).not.toBe(alice.accessToken);
    // The switch back and forth again: checked once, then a hit.
    idp.requests.reset();
    expect((await auth().getTokens()).accessToken).toBe(current?.tokens.accessToken);
    expect(await userinfo(current?.tokens.accessToken ?? '')).toBe(200);
    expect(idp.requests.tokenRequests()).toBe(0);
    // A login without an account (most likely alice's own again) names the other one, bob.
    warnings = [];
    await auth().login();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Signing in in the browser where bob signed in at the IdP can end bob's session there .* To keep both, /,
      ),
    ]);
  });

  it('a token for the marked current account (bob logged in by a token call, no switch): never the cached token; without a login allowed, the session-ended error', async () => {
    const alice = await auth().login();
    atThePage.user = idp.users.bob;
    await auth({ account: 'bob' }).getTokens();
    atThePage.user = idp.users.alice;
    expect((await cache.get(settingsKey()))?.laterSignIn?.account.sub).toBe('bob');
    // A hit would hand out alice's access token, which the IdP refuses now.
    expect(await userinfo(alice.accessToken)).toBe(401);
    expect((await auth().getCachedTokens())?.laterSignIn?.account.sub).toBe('bob');
    idp.requests.reset();
    const ended = await errorOf(() => auth().getTokens({ allowLogin: false }));
    expect(ended.code).toBe(ErrorCode.NOT_LOGGED_IN);
    expect(ended.message).toMatch(/^The IdP session of account alice has ended/);
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    // bob's entry is unaffected.
    expect((await auth({ account: 'bob' }).getTokens({ allowLogin: false })).idTokenClaims?.sub).toBe('bob');
  });

  it('without a refresh token a marked account cannot be checked: the switch removes its tokens with no request and says so', async () => {
    await aliceThenBob(new BrowserlessCookies());
    const kept = await cache.get(keptKey('alice'));
    const { refreshToken: _dropped, ...tokens } = kept!.tokens;
    await cache.set(keptKey('alice'), { ...kept!, tokens });
    idp.requests.reset();
    const error = await errorOf(() => auth().useAccount('alice'));
    expect(error.code).toBe(ErrorCode.NOT_LOGGED_IN);
    expect(error.message).toMatch(
      /^Account alice has no refresh token to check whether its IdP session survived the sign-in of bob in the same browser/,
    );
    expect(idp.requests.count()).toBe(0);
    expect(await cache.get(keptKey('alice'))).toBeUndefined();
    expect((await auth().accounts()).map((a) => a.username)).toEqual(['bob', 'alice']);
  });

  it('a planted or damaged mark, or account, is a damaged entry: a miss (never handed out), and the account words do not break', async () => {
    await aliceThenBob(new BrowserlessCookies());
    const kept = await cache.get(keptKey('alice'));
    const damaged = { account: null, at: 'yesterday' } as unknown as LaterSignIn;
    await cache.set(keptKey('alice'), { ...kept!, laterSignIn: damaged });
    const listed = await auth().accounts();
    expect(listed.map((a) => [a.username, a.refreshable, a.expiresAt, a.laterSignIn])).toEqual([
      ['bob', true, expect.any(Number), undefined],
      ['alice', false, undefined, undefined],
    ]);
    const error = await errorOf(() => auth({ account: 'alice' }).getTokens({ allowLogin: false }));
    expect(error.code).toBe(ErrorCode.NOT_LOGGED_IN);
    expect(error.message).toMatch(/^No usable access token is cached/);
    expect(noToken(error.message, kept?.tokens.accessToken, kept?.tokens.refreshToken)).toBe(true);
    // The current entry with a planted account: a miss too, and the list of it is not read.
    const current = await cache.get(settingsKey());
    await cache.set(settingsKey(), { ...current!, account: null } as unknown as CacheEntry);
    idp.requests.reset();
    expect(await auth().getCachedTokens()).toBeUndefined();
    expect(await auth().accounts()).toEqual([]);
    const none = await errorOf(() => auth().getTokens({ allowLogin: false }));
    expect(none.code).toBe(ErrorCode.NOT_LOGGED_IN);
    expect(idp.requests.count()).toBe(0);
  });

  it('one account: no notice, nothing marked, and a hit still reads one entry', async () => {
    await auth().login();
    await auth().login();
    expect(warnings).toEqual([]);
    expect((await cache.get(settingsKey()))?.laterSignIn).toBeUndefined();
    // The hit: one read of the cache, no request.
    const reads: string[] = [];
    const counted: CachePlugin = { ...cache, get: (key) => (reads.push(key.id), cache.get(key)) };
    idp.requests.reset();
    const hit = auth({ plugins: [counted, pageFlow()] });
    expect((await hit.getTokens()).idTokenClaims?.sub).toBe('alice');
    expect(reads).toEqual([settingsKey().id]);
    expect(idp.requests.count()).toBe(0);
  });
});

/** How many notices had come when each device login showed its code. */
let noticesWhenShown: number[] = [];
beforeEach(() => {
  noticesWhenShown = [];
});

/** The device flow, its code approved by `atThePage.user` in the browser of `atThePage`. */
const deviceFlow = () =>
  headlessDeviceFlow(
    (verificationUri, userCode) =>
      completeDeviceVerificationWithoutBrowser(verificationUri, atThePage.user, {
        userCode,
        cookies: atThePage.browser,
      }),
    () => noticesWhenShown.push(warnings.length),
  );

const deviceAuth = (extra: Partial<OidcAuthOptions> = {}) =>
  auth({ clientId: idp.clients.device.clientId, flow: 'headless_device', ...extra }, deviceFlow());

const deviceKey = () =>
  cacheKeyFor({
    issuer: idp.issuer,
    clientId: idp.clients.device.clientId,
    scopes: ['openid', 'profile', 'email'],
    family: 'user',
  });

/** alice approves her device code; then bob (login with account) in a browser of his own. */
async function aliceThenBobByDevice(bobsBrowser: BrowserlessCookies) {
  const alice = await deviceAuth().login();
  const aliceBrowser = atThePage.browser;
  atThePage.user = idp.users.bob;
  atThePage.browser = bobsBrowser;
  await deviceAuth({ account: 'bob' }).login();
  atThePage.user = idp.users.alice;
  atThePage.browser = aliceBrowser;
  return alice;
}

describe('two accounts, one browser, by the device flow', () => {
  it("bob approves his code in the browser where alice's session is: a notice before each code; the page approves it as alice (ACCOUNT_MISMATCH, nothing stored, a private window advised); signed out there, bob's approval marks alice, whose session is over: accounts use alice removes her tokens; her code approved in a private window brings her back and bob stays", async () => {
    const alice = await deviceAuth().login();
    expect(noticesWhenShown).toEqual([0]);
    atThePage.user = idp.users.bob;
    // oidc-provider approves the code as the browser's user (alice) without asking.
    const mismatch = await errorOf(() => deviceAuth({ account: 'bob' }).login());
    expect(mismatch.code).toBe(ErrorCode.ACCOUNT_MISMATCH);
    expect(mismatch.message).toMatch(
      /log in as "bob" from a private browser window \(or another browser profile\), which keeps alice's IdP session \(signing out of the IdP's page ends it\)/,
    );
    expect(noticesWhenShown).toEqual([0, 1]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Signing in as "bob" by approving the code in the browser where alice signed in at the IdP can end alice's session there \(IdPs keep one user per browser session: the page may approve the code as that user, and signing out there to approve it as another ends that session\): /,
    );
    expect(warnings[0]).toMatch(
      /To keep both, open the verification URL in a private browser window \(or another browser profile\), not in a browser this login opens, and approve the code there\./,
    );
    expect(warnings[0]).toMatch(/"Restart login"/);
    expect(noToken(warnings[0] ?? '', alice.accessToken, alice.refreshToken)).toBe(true);
    expect(await userinfo(alice.accessToken)).toBe(200);
    expect((await cache.get(deviceKey()))?.laterSignIn).toBeUndefined();

    // bob signs out at the IdP's page instead (the other way to approve as himself there).
    await signOutWithoutBrowser(idp.issuer, atThePage.browser);
    expect((await deviceAuth({ account: 'bob' }).login()).idTokenClaims?.sub).toBe('bob');
    expect(noticesWhenShown).toEqual([0, 1, 2]);
    atThePage.user = idp.users.alice;
    // alice's session is over: her access token is refused now; her entry is marked.
    expect(await userinfo(alice.accessToken)).toBe(401);
    const keptAlice = cacheKeyFor({ ...deviceKey(), account: 'alice' });
    expect((await cache.get(keptAlice))?.laterSignIn).toMatchObject({
      account: { sub: 'bob', username: 'bob' },
    });

    // The switch checks alice with one refresh; the IdP refuses it; nothing switches.
    idp.requests.reset();
    const ended = await errorOf(() => deviceAuth().useAccount('alice'));
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    expect(idp.requests.tokenRequests()).toBe(1);
    expect(ended.code).toBe(ErrorCode.NOT_LOGGED_IN);
    expect(ended.message).toMatch(
      /^The IdP session of account alice has ended: the IdP refused its refresh token, most likely because bob signed in in the same browser/,
    );
    expect(noToken(ended.message, alice.accessToken, alice.refreshToken)).toBe(true);
    expect(await cache.get(keptAlice)).toBeUndefined();
    expect((await deviceAuth().getTokens()).idTokenClaims?.sub).toBe('bob');

    // alice approves a new code in a private window: she is back, the notice named bob.
    warnings = [];
    atThePage.browser = new BrowserlessCookies();
    const back = await deviceAuth({ account: 'alice' }).login();
    expect(back.idTokenClaims?.sub).toBe('alice');
    expect(await userinfo(back.accessToken)).toBe(200);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Signing in as "alice" by approving the code in the browser where bob signed in/,
      ),
    ]);
    // bob's session was in the other browser: his check refreshes, and he is current again.
    idp.requests.reset();
    expect((await deviceAuth().useAccount('bob')).sub).toBe('bob');
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    expect(await userinfo((await deviceAuth().getTokens()).accessToken)).toBe(200);
    expect(idp.requests.tokenRequests()).toBe(1);
  });

  it('approved in browsers of their own: the first token request for alice checks her with one refresh, which works; with openBrowser false the notice says to open the URL below', async () => {
    const alice = await aliceThenBobByDevice(new BrowserlessCookies());
    expect(await userinfo(alice.accessToken)).toBe(200);
    idp.requests.reset();
    const checked = await deviceAuth({ account: 'alice' }).getTokens({ allowLogin: false });
    expect(checked.idTokenClaims?.sub).toBe('alice');
    expect(checked.accessToken).not.toBe(alice.accessToken);
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    idp.requests.reset();
    expect((await deviceAuth({ account: 'alice' }).getTokens()).accessToken).toBe(checked.accessToken);
    expect(idp.requests.count()).toBe(0);
    // A login of the current account again (bob), with the URL printed rather than opened.
    warnings = [];
    atThePage.user = idp.users.bob;
    await deviceAuth({ openBrowser: false, forceLogin: true }).login();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^Signing in by approving the code in the browser where alice signed in at the IdP .* To keep both, open the verification URL below in a private browser window \(or another browser profile\) and approve the code there\./,
      ),
    ]);
  });
});
