import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachePlugin,
  cacheKeyFor,
  createMemoryCache,
  OidcAuth,
  type OidcAuthOptions,
  OidcCredentialsAuth,
  silentLogger,
} from '../src/index.js';
import { loaderWith } from './fake-flows.js';
import { headlessAuthCodeFlow } from './test-flows.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});

const tokenRequests = (grantType: string) => idp.requests.count({ path: '/token', grantType });

describe('token lifecycle against the embedded IdP', () => {
  let cache: CachePlugin;
  let counter: { runs: number };
  const userOptions = (extra: Partial<OidcAuthOptions> = {}): OidcAuthOptions => ({
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
  const keyOf = () =>
    cacheKeyFor({
      issuer: idp.issuer,
      clientId: idp.clients.native.clientId,
      scopes: ['openid', 'profile'],
      family: 'user',
    });

  beforeEach(() => {
    cache = createMemoryCache();
    counter = { runs: 0 };
    idp.requests.reset();
  });

  it('a cached token costs 0 requests, even in a fresh instance', async () => {
    const first = await new OidcAuth(userOptions()).getAccessToken();
    expect(counter.runs).toBe(1);
    idp.requests.reset();
    const second = await new OidcAuth(userOptions()).getAccessToken();
    expect(second).toBe(first);
    expect(idp.requests.count()).toBe(0);
  });

  it('an expired token is refreshed in exactly 1 request (token endpoint only) by a fresh instance with cached metadata', async () => {
    const before = await new OidcAuth(userOptions()).getTokens();
    expect(before.refreshToken).toBeTruthy();
    const entry = await cache.get(keyOf());
    await cache.set(keyOf(), { ...entry!, tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000 } });
    idp.requests.reset();

    const after = await new OidcAuth(userOptions()).getTokens();
    expect(idp.requests.count()).toBe(1);
    expect(tokenRequests('refresh_token')).toBe(1);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken); // rotated
    expect(after.idTokenClaims?.sub).toBe(before.idTokenClaims?.sub);
    expect(counter.runs).toBe(1);
  });

  it('50 concurrent getAccessToken() calls on an empty cache cause 1 login', async () => {
    const auths = Array.from({ length: 50 }, () => new OidcAuth(userOptions()));
    const tokens = await Promise.all(auths.map((auth) => auth.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(counter.runs).toBe(1);
    expect(tokenRequests('authorization_code')).toBe(1);
  });

  it('invalid_grant on refresh falls through to a login', async () => {
    await new OidcAuth(userOptions()).getTokens();
    const entry = await cache.get(keyOf());
    await cache.set(keyOf(), {
      ...entry!,
      tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000, refreshToken: 'not-a-valid-refresh-token' },
    });
    await new OidcAuth(userOptions()).getAccessToken();
    expect(tokenRequests('refresh_token')).toBe(1);
    expect(counter.runs).toBe(2);
  });

  it('a refresh response without id_token or refresh_token keeps the previous ones', async () => {
    const before = await new OidcAuth(userOptions()).getTokens();
    const entry = await cache.get(keyOf());
    await cache.set(keyOf(), { ...entry!, tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000 } });
    idp.script.tokenResponses(
      [{ status: 200, body: { access_token: 'scripted-access', token_type: 'bearer', expires_in: 600 } }],
      {
        grantType: 'refresh_token',
      },
    );
    const after = await new OidcAuth(userOptions()).getTokens();
    expect(after.accessToken).toBe('scripted-access');
    expect(after.tokenType.toLowerCase()).toBe('bearer');
    expect(after.refreshToken).toBe(before.refreshToken);
    expect(after.idToken).toBe(before.idToken);
  });

  it('a token response without expires_in is cached with a default lifetime', async () => {
    await new OidcAuth(userOptions()).getTokens();
    const entry = await cache.get(keyOf());
    await cache.set(keyOf(), { ...entry!, tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000 } });
    idp.script.tokenResponses([{ status: 200, body: { access_token: 'no-expiry', token_type: 'Bearer' } }], {
      grantType: 'refresh_token',
    });
    const tokens = await new OidcAuth(userOptions()).getTokens();
    expect(tokens.expiresAt - Date.now()).toBeGreaterThan(250_000);
    idp.requests.reset();
    expect(await new OidcAuth(userOptions()).getAccessToken()).toBe('no-expiry');
    expect(idp.requests.count()).toBe(0);
  });

  it('forceLogin logs in although a valid token is cached, then reuses its own login', async () => {
    await new OidcAuth(userOptions()).getAccessToken();
    const forced = new OidcAuth(userOptions({ forceLogin: true }));
    const token = await forced.getAccessToken();
    expect(counter.runs).toBe(2);
    expect(await forced.getAccessToken()).toBe(token);
    expect(counter.runs).toBe(2);
  });

  it('logout removes the entry and revokes the refresh token at the IdP', async () => {
    const tokens = await new OidcAuth(userOptions()).getTokens();
    const result = await new OidcAuth(userOptions()).logout();
    expect(result).toEqual({ removed: true, revoked: true, account: { sub: 'alice', username: 'alice' } });
    expect(await cache.get(keyOf())).toBeUndefined();
    const response = await fetch(`${idp.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken!,
        client_id: idp.clients.native.clientId,
      }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('endpoint overrides that suffice skip discovery entirely', async () => {
    const metadata = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as {
      token_endpoint: string;
      authorization_endpoint: string;
    };
    idp.requests.reset();
    await new OidcAuth(
      userOptions({
        issuer: `${idp.issuer}`,
        tokenEndpoint: metadata.token_endpoint,
        authorizationEndpoint: metadata.authorization_endpoint,
      }),
    ).getAccessToken();
    expect(idp.requests.count({ path: '/.well-known/openid-configuration' })).toBe(0);
    expect(tokenRequests('authorization_code')).toBe(1);
  });

  it('audience is sent as the audience parameter in the authorization request and the code exchange', async () => {
    const tokens = await new OidcAuth(
      userOptions({ audience: 'https://api.example.test', scopes: ['openid', 'api:read'] }),
    ).getTokens();
    expect(tokens.accessToken).toBeTruthy();
    const authorization = idp.requests.list({ path: '/auth' })[0];
    const exchange = idp.requests.list({ path: '/token', grantType: 'authorization_code' })[0];
    expect(authorization?.parameters.audience).toBe('https://api.example.test');
    expect(exchange?.parameters.audience).toBe('https://api.example.test');
    expect(exchange?.parameters.code).toBe('[redacted]');
  });
});

describe('client credentials lifecycle', () => {
  it('three calls and a fresh instance cost 1 grant; a secret from OIDCFLOW_CLIENT_SECRET works', async () => {
    const cache = createMemoryCache();
    idp.requests.reset();
    const options = {
      issuer: idp.issuer,
      clientId: idp.clients.ci.clientId,
      plugins: [cache],
      logger: silentLogger,
      env: { OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret },
    };
    const auth = new OidcCredentialsAuth(options);
    const token = await auth.getAccessToken();
    expect(await auth.getAccessToken()).toBe(token);
    expect(await new OidcCredentialsAuth(options).getAccessToken()).toBe(token);
    expect(tokenRequests('client_credentials')).toBe(1);
  });

  it('a forced login() reuses the cached metadata: 1 request (the grant), no discovery', async () => {
    const cache = createMemoryCache();
    const options = {
      issuer: idp.issuer,
      clientId: idp.clients.ci.clientId,
      clientSecret: idp.clients.ci.clientSecret,
      plugins: [cache],
      logger: silentLogger,
      env: {},
    };
    await new OidcCredentialsAuth(options).getAccessToken();
    idp.requests.reset();
    await new OidcCredentialsAuth(options).login();
    expect(idp.requests.discoveryRequests()).toBe(0);
    expect(idp.requests.count()).toBe(1);
    expect(tokenRequests('client_credentials')).toBe(1);
  });
});
