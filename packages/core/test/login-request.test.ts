// What the login request says (loginHint, prompt, acrValues, maxAge, uiLocales, authParams):
// it reaches the IdP's authorization and device authorization endpoints, the ID token is
// checked against acr_values and max_age, and parameters that protect the login are refused.
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachePlugin,
  createMemoryCache,
  ErrorCode,
  OidcAuth,
  type OidcAuthOptions,
  silentLogger,
} from '../src/index.js';
import { errorOf } from './error-of.js';
import { fakeFlow, fakeTokens, loaderWith } from './fake-flows.js';
import { headlessPortFlow } from './test-flows.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});

let cache: CachePlugin;
beforeEach(() => {
  cache = createMemoryCache();
  idp.requests.reset();
});

const options = (extra: Partial<OidcAuthOptions> = {}): OidcAuthOptions => ({
  issuer: idp.issuer,
  clientId: idp.clients.native.clientId,
  scopes: ['openid', 'profile'],
  flow: 'headless_port_code',
  plugins: [cache, headlessPortFlow(completeAuthorizationWithoutBrowser, idp.users.bob)],
  loadModule: loaderWith({}),
  logger: silentLogger,
  env: {},
  ...extra,
});

const authorizationRequests = () => idp.requests.list({ path: '/auth', method: 'GET' });

describe('the login request', () => {
  it('sends login_hint, prompt, max_age, ui_locales and extra parameters; max_age=0 gives a fresh auth_time', async () => {
    const before = Math.floor(Date.now() / 1000);
    const tokens = await new OidcAuth(
      options({
        loginHint: 'bob',
        prompt: 'consent',
        maxAge: 0,
        uiLocales: ['de', 'en'],
        authParams: { kc_idp_hint: 'github', claims: '{"id_token":{"email":null}}' },
      }),
    ).login();
    const [first] = authorizationRequests();
    expect(first?.parameters).toMatchObject({
      login_hint: 'bob',
      prompt: 'consent',
      max_age: '0',
      ui_locales: 'de en',
      kc_idp_hint: 'github',
      claims: '{"id_token":{"email":null}}',
    });
    // The port's own parameters were not touched.
    expect(first?.parameters.code_challenge_method).toBe('S256');
    expect(tokens.idTokenClaims?.sub).toBe('bob');
    expect(tokens.idTokenClaims?.auth_time).toBeGreaterThanOrEqual(before);
  });

  it('acr_values the IdP ignores: LOGIN_REQUIREMENT_UNMET naming what was asked, nothing cached', async () => {
    const auth = new OidcAuth(options({ acrValues: ['gold'] }));
    const error = await errorOf(() => auth.login());
    expect(error.code).toBe(ErrorCode.LOGIN_REQUIREMENT_UNMET);
    expect(error.message).toMatch(/acr_values "gold" was asked, and the ID token shows no acr claim/);
    expect(authorizationRequests()[0]?.parameters.acr_values).toBe('gold');
    expect(await auth.getCachedTokens()).toBeUndefined();
  });

  it('max_age: an ID token without auth_time, or with an older one, is refused; a fresh one is kept', async () => {
    const now = Math.floor(Date.now() / 1000);
    const flowWith = (claims: Record<string, unknown>) =>
      fakeFlow({ name: 'fake' }, async () => ({
        ...fakeTokens(),
        idTokenClaims: { sub: 'alice', ...claims },
      }));
    const withFlow = (claims: Record<string, unknown>) =>
      new OidcAuth({
        issuer: idp.issuer,
        clientId: 'fake',
        flow: 'fake',
        maxAge: 600,
        plugins: [createMemoryCache(), flowWith(claims)],
        loadModule: loaderWith({}),
        logger: silentLogger,
        env: {},
      });
    const missing = await errorOf(() => withFlow({}).login());
    expect(missing.code).toBe(ErrorCode.LOGIN_REQUIREMENT_UNMET);
    expect(missing.message).toMatch(/max_age=600 was asked, and the ID token has no auth_time/);
    const stale = await errorOf(() => withFlow({ auth_time: now - 3600 }).login());
    expect(stale.message).toMatch(
      /max_age=600 was asked, and the ID token says the user authenticated at .* 3[56]\d\d s before/,
    );
    const fresh = await withFlow({ auth_time: now - 60 }).login();
    expect(fresh.idTokenClaims?.auth_time).toBe(now - 60);
  });

  it('the device authorization request carries the same parameters', async () => {
    const deviceFlow = fakeFlow({ name: 'fake_device' }, async (context) => {
      await context.protocol.startDeviceAuthorization(context.adjustments.authorizationParameters);
      return fakeTokens();
    });
    await new OidcAuth({
      issuer: idp.issuer,
      clientId: idp.clients.device.clientId,
      flow: 'fake_device',
      loginHint: 'alice',
      uiLocales: ['fr'],
      authParams: { organization: 'org_1' },
      plugins: [createMemoryCache(), deviceFlow],
      loadModule: loaderWith({}),
      logger: silentLogger,
      env: {},
    }).login();
    const [request] = idp.requests.list({ path: '/device/auth' });
    expect(request?.parameters).toMatchObject({
      login_hint: 'alice',
      ui_locales: 'fr',
      organization: 'org_1',
    });
  });

  it.each([
    ['state', /oidcflow sets it to protect the login/],
    ['redirect_uri', /oidcflow sets it to protect the login/],
    ['client_id', /oidcflow sets it to protect the login/],
    ['code_challenge', /oidcflow sets it to protect the login/],
    ['Scope', /oidcflow sets it to protect the login/],
    ['login_hint', /use the option loginHint \(--login-hint\) instead/],
    ['max_age', /use the option maxAge \(--max-age\) instead/],
  ])('authParams may not set %s', async (name, message) => {
    const error = await errorOf(() => new OidcAuth(options({ authParams: { [name]: 'x' } })));
    expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(error.message).toMatch(message);
  });

  it('malformed values are refused before any request', async () => {
    for (const bad of [
      { maxAge: -1 },
      { maxAge: 1.5 },
      { loginHint: ' ' },
      { acrValues: ['a b'] },
      { prompt: '' },
    ]) {
      const error = await errorOf(() => new OidcAuth(options(bad as Partial<OidcAuthOptions>)));
      expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
    }
    expect(idp.requests.count()).toBe(0);
  });
});
