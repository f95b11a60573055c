// An issuer is an exact string (OIDC Discovery §4.3, RFC 8414 §3.3): with and without a
// trailing slash and with a path, it is kept byte for byte through login, the cache key,
// refresh with cached metadata, endpoint overrides and explain(). Real IdPs: the embedded
// oidc-provider mounted under each issuer.
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachePlugin,
  cacheKeyFor,
  createMemoryCache,
  ErrorCode,
  OidcAuth,
  type OidcAuthOptions,
  OidcflowError,
  silentLogger,
} from '../src/index.js';
import { loaderWith } from './fake-flows.js';
import { headlessAuthCodeFlow } from './test-flows.js';

const ISSUER_PATHS = ['', '/', '/realms/x', '/tenant/v2.0', '/tenant/v2.0/'] as const;

describe.each(ISSUER_PATHS)('issuer path %j', (issuerPath) => {
  let idp: TestIdp;
  let cache: CachePlugin;
  let counter: { runs: number };
  beforeAll(async () => {
    idp = await startTestIdp({ issuerPath });
  });
  afterAll(async () => {
    await idp?.stop();
  });
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
  const keyOf = (issuer: string) =>
    cacheKeyFor({
      issuer,
      clientId: idp.clients.native.clientId,
      scopes: ['openid', 'profile'],
      family: 'user',
    });
  /** Where the IdP serves an endpoint: under the issuer's path, without doubling its slash. */
  const endpoint = (name: string) => `${idp.issuer.replace(/\/+$/, '')}/${name}`;

  it('logs in, caches under the issuer as given, and the ID token names that exact issuer', async () => {
    expect(idp.issuer.endsWith(issuerPath)).toBe(true);
    const tokens = await new OidcAuth(options()).getTokens();
    expect(tokens.idTokenClaims?.iss).toBe(idp.issuer);
    const entry = await cache.get(keyOf(idp.issuer));
    expect(entry?.metadata?.document.issuer).toBe(idp.issuer);
    expect(idp.requests.discoveryRequests()).toBe(1);
  });

  it('refreshes an expired token in exactly 1 round trip, reusing the cached metadata', async () => {
    const before = await new OidcAuth(options()).getTokens();
    const key = keyOf(idp.issuer);
    const entry = await cache.get(key);
    await cache.set(key, { ...entry!, tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000 } });
    idp.requests.reset();

    const after = await new OidcAuth(options()).getTokens();
    expect(idp.requests.count()).toBe(1);
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.idTokenClaims?.iss).toBe(idp.issuer);
    expect(counter.runs).toBe(1);
  });

  it('explain() of a fresh instance says the metadata came from the cache, and prints the issuer as given', async () => {
    await new OidcAuth(options()).getTokens();
    idp.requests.reset();
    const report = await new OidcAuth(options()).explain();
    expect(report.metadataSource).toBe('cache');
    expect(report.issuer).toBe(idp.issuer);
    expect(idp.requests.count()).toBe(0);
  });

  it('with the endpoints given and no discovery, the ID token of the exact issuer is accepted', async () => {
    const auth = new OidcAuth(
      options({ authorizationEndpoint: endpoint('auth'), tokenEndpoint: endpoint('token') }),
    );
    const tokens = await auth.getTokens();
    expect(idp.requests.discoveryRequests()).toBe(0);
    expect(tokens.idTokenClaims?.iss).toBe(idp.issuer);
    expect((await auth.explain()).metadataSource).toBe('cache');
  });

  it('an issuer spelled with the slash the IdP does not use is ISSUER_MISMATCH naming both spellings', async () => {
    const other = idp.issuer.endsWith('/') ? idp.issuer.replace(/\/+$/, '') : `${idp.issuer}/`;
    const error = await new OidcAuth(options({ issuer: other })).getTokens().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(OidcflowError.isInstance(error)).toBe(true);
    const failure = error as OidcflowError;
    expect(failure.code).toBe(ErrorCode.ISSUER_MISMATCH);
    expect(failure.message).toContain(`says its issuer is "${idp.issuer}"`);
    expect(failure.message).toContain(`the issuer configured is "${other}"`);
    expect(failure.message).toContain('differ only in the trailing slash');
    expect(failure.message).toContain(`set the issuer option to "${idp.issuer}"`);
    expect(counter.runs).toBe(0);
  });

  it('with the endpoints given, an issuer the IdP does not send (RFC 9207 iss) is ISSUER_MISMATCH naming both spellings', async () => {
    const other = idp.issuer.endsWith('/') ? idp.issuer.replace(/\/+$/, '') : `${idp.issuer}/`;
    const auth = new OidcAuth(
      options({ issuer: other, authorizationEndpoint: endpoint('auth'), tokenEndpoint: endpoint('token') }),
    );
    const error = await auth.getTokens().then(
      () => undefined,
      (failure: unknown) => failure as OidcflowError,
    );
    expect(error?.code).toBe(ErrorCode.ISSUER_MISMATCH);
    expect(error?.message).toContain(`The issuer in the authorization response (iss) is "${idp.issuer}"`);
    expect(error?.message).toContain(`the issuer configured is "${other}"`);
    expect(error?.message).toContain(`set the issuer option to "${idp.issuer}"`);
    expect(idp.requests.discoveryRequests()).toBe(0);
  });
});

describe('cache entries of the 0.x key (issuer without its trailing slash)', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ issuerPath: '/' });
  });
  afterAll(async () => {
    await idp?.stop();
  });

  it('are a miss, not a crash: the login runs and the new entry is kept under the exact issuer', async () => {
    const cache = createMemoryCache();
    const counter = { runs: 0 };
    const keyFor = (issuer: string) =>
      cacheKeyFor({ issuer, clientId: idp.clients.native.clientId, scopes: ['openid'], family: 'user' });
    const stripped = idp.issuer.replace(/\/+$/, '');
    await cache.set(keyFor(stripped), {
      tokens: { accessToken: 'old-access', tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000 },
      flow: 'headless_code',
      savedAt: Date.now(),
      metadata: {
        document: { issuer: stripped, token_endpoint: `${stripped}/token` },
        fetchedAt: Date.now(),
      },
    });
    const token = await new OidcAuth({
      issuer: idp.issuer,
      clientId: idp.clients.native.clientId,
      flow: 'headless_code',
      plugins: [cache, headlessAuthCodeFlow(completeAuthorizationWithoutBrowser, idp.user, counter)],
      loadModule: loaderWith({}),
      logger: silentLogger,
      env: {},
    }).getAccessToken();
    expect(token).not.toBe('old-access');
    expect(counter.runs).toBe(1);
    expect((await cache.get(keyFor(idp.issuer)))?.tokens.accessToken).toBe(token);
  });
});
