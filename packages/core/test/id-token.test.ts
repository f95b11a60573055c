// getIdToken(): the ID token's own expiry decides, a refresh without an ID token keeps the old
// one only while valid, and a caller may forbid logins. Against the embedded IdP; the test
// moves a cached token's expiry (the access token's, or the ID token's `exp` claim) closer.
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachePlugin,
  cacheKeyFor,
  createMemoryCache,
  ErrorCode,
  OidcAuth,
  type OidcAuthOptions,
  OidcCredentialsAuth,
  silentLogger,
} from '../src/index.js';
import { errorOf } from './error-of.js';
import { loaderWith } from './fake-flows.js';
import { headlessAuthCodeFlow } from './test-flows.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});

let cache: CachePlugin;
let counter: { runs: number };
const refreshes = () => idp.requests.count({ path: '/token', grantType: 'refresh_token' });

beforeEach(() => {
  cache = createMemoryCache();
  counter = { runs: 0 };
  idp.requests.reset();
});

const options = (extra: Partial<OidcAuthOptions> = {}): OidcAuthOptions => ({
  issuer: idp.issuer,
  clientId: idp.clients.native.clientId,
  scopes: ['openid', 'profile'],
  flow: 'headless_code',
  plugins: [cache, headlessAuthCodeFlow(completeAuthorizationWithoutBrowser, idp.user, counter)],
  loadModule: loaderWith({}),
  logger: silentLogger,
  env: {},
  ...extra,
});
const key = () =>
  cacheKeyFor({
    issuer: idp.issuer,
    clientId: idp.clients.native.clientId,
    scopes: ['openid', 'profile'],
    family: 'user',
  });

/** Moves the cached tokens' expiries: the access token's, and the ID token's `exp` (its `iat` a minute before). */
async function moveExpiry(change: { accessInSeconds?: number; idInSeconds?: number }): Promise<void> {
  const entry = await cache.get(key());
  const tokens = { ...entry!.tokens };
  const now = Date.now();
  if (change.accessInSeconds !== undefined) tokens.expiresAt = now + change.accessInSeconds * 1000;
  if (change.idInSeconds !== undefined) {
    const exp = Math.floor(now / 1000) + change.idInSeconds;
    tokens.idTokenClaims = { ...tokens.idTokenClaims, exp, iat: exp - 90 };
  }
  await cache.set(key(), { ...entry!, tokens });
}

async function idTokenSecondsLeft(): Promise<number> {
  const exp = (await cache.get(key()))?.tokens.idTokenClaims?.exp as number;
  return exp - Date.now() / 1000;
}

describe('getIdToken()', () => {
  it('returns the ID token, a JWT for this client, from the cache while it is fresh', async () => {
    const idToken = await new OidcAuth(options()).getIdToken();
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({
      iss: idp.issuer,
      aud: idp.clients.native.clientId,
      sub: idp.user.claims.sub,
    });
    idp.requests.reset();
    expect(await new OidcAuth(options()).getIdToken()).toBe(idToken);
    expect(idp.requests.count()).toBe(0);
  });

  it('an ID token with 30 s left is refreshed although the access token has 50 min left', async () => {
    const first = await new OidcAuth(options()).getTokens();
    await moveExpiry({ accessInSeconds: 50 * 60, idInSeconds: 30 });
    idp.requests.reset();
    // The access token is still fresh: no request for it.
    expect(await new OidcAuth(options()).getAccessToken()).toBe(first.accessToken);
    expect(idp.requests.count()).toBe(0);
    // The ID token is not (30 s left, skew 45 s for a 90 s token): one refresh, no login.
    // (The new ID token may equal the first byte for byte when issued in the same second.)
    const idToken = await new OidcAuth(options()).getIdToken();
    expect(refreshes()).toBe(1);
    expect(counter.runs).toBe(1);
    expect(await idTokenSecondsLeft()).toBeGreaterThan(3000);
    // And the refreshed ID token is then answered from the cache.
    idp.requests.reset();
    expect(await new OidcAuth(options()).getIdToken()).toBe(idToken);
    expect(idp.requests.count()).toBe(0);
  });

  it('a refresh without id_token keeps the earlier ID token while it is valid, says so in explain(), then logs in', async () => {
    const first = await new OidcAuth(options()).getTokens();
    // The access token expires; the refresh response carries no ID token.
    await moveExpiry({ accessInSeconds: -1 });
    const withoutIdToken = {
      status: 200,
      body: { access_token: 'refreshed-access', token_type: 'Bearer', expires_in: 3600 },
    };
    idp.script.tokenResponses([withoutIdToken], { grantType: 'refresh_token' });
    const refreshed = await new OidcAuth(options()).getTokens();
    expect(refreshed.accessToken).toBe('refreshed-access');
    expect(refreshed.idToken).toBe(first.idToken);
    expect(refreshed.idTokenCarriedOver).toBe(true);
    expect(counter.runs).toBe(1);
    // Still valid past the skew: getIdToken() answers from the cache.
    expect(await new OidcAuth(options()).getIdToken()).toBe(first.idToken);
    const report = await new OidcAuth(options()).explain();
    expect(report.idToken.renewal).toMatch(/last refresh returned no ID token.*then a login is needed/);

    // Later it has 30 s left: the refresh again brings none, so a login gets a new one.
    await moveExpiry({ accessInSeconds: -1, idInSeconds: 30 });
    idp.script.tokenResponses([withoutIdToken], { grantType: 'refresh_token' });
    await new OidcAuth(options()).getIdToken();
    expect(counter.runs).toBe(2);
    expect(await idTokenSecondsLeft()).toBeGreaterThan(3000);
    expect(refreshes()).toBe(2);
  });

  it('an expired earlier ID token is dropped by a refresh without one, not handed out', async () => {
    await new OidcAuth(options()).getTokens();
    await moveExpiry({ accessInSeconds: -1, idInSeconds: -5 });
    idp.script.tokenResponses(
      [{ status: 200, body: { access_token: 'refreshed-access', token_type: 'Bearer', expires_in: 3600 } }],
      { grantType: 'refresh_token' },
    );
    const tokens = await new OidcAuth(options()).getTokens();
    expect(tokens.accessToken).toBe('refreshed-access');
    expect(tokens.idToken).toBeUndefined();
  });

  it('allowLogin: false refreshes but never logs in: NOT_LOGGED_IN on an empty cache', async () => {
    const error = await errorOf(() =>
      new OidcAuth(options()).getTokens({ tokenType: 'id', allowLogin: false }),
    );
    expect(error.code).toBe(ErrorCode.NOT_LOGGED_IN);
    expect(error.message).toMatch(/oidcflow login/);
    expect(counter.runs).toBe(0);
    expect(idp.requests.count()).toBe(0);
    const first = await new OidcAuth(options()).getTokens();
    await moveExpiry({ idInSeconds: 30 });
    const refreshed = await new OidcAuth(options()).getTokens({ tokenType: 'id', allowLogin: false });
    expect(refreshed.accessToken).not.toBe(first.accessToken);
    expect(refreshes()).toBe(1);
    expect(await idTokenSecondsLeft()).toBeGreaterThan(3000);
    expect(counter.runs).toBe(1);
  });

  it('ID_TOKEN_UNAVAILABLE without openid, and for client credentials, before any request', async () => {
    const noOpenid = await errorOf(() => new OidcAuth(options({ scopes: ['profile'] })).getIdToken());
    expect(noOpenid.code).toBe(ErrorCode.ID_TOKEN_UNAVAILABLE);
    expect(noOpenid.message).toMatch(/openid/);
    const client = new OidcCredentialsAuth({
      issuer: idp.issuer,
      clientId: idp.clients.ci.clientId,
      clientSecret: idp.clients.ci.clientSecret,
      plugins: [cache],
      env: {},
      logger: silentLogger,
    });
    expect((await errorOf(() => client.getIdToken())).code).toBe(ErrorCode.ID_TOKEN_UNAVAILABLE);
    expect(idp.requests.count()).toBe(0);
  });

  it('rejectToken() drops the refused token and keeps the refresh token: the next call refreshes', async () => {
    const auth = new OidcAuth(options());
    const first = await auth.getTokens();
    expect(await auth.rejectToken('some-other-token')).toBe(false);
    expect(await auth.rejectToken(first.accessToken)).toBe(true);
    idp.requests.reset();
    const next = await new OidcAuth(options()).getTokens();
    expect(next.accessToken).not.toBe(first.accessToken);
    expect(refreshes()).toBe(1);
    expect(counter.runs).toBe(1);
  });
});
