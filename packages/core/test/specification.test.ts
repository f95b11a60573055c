// The plugin specification as a third party meets it: versions checked with a message naming
// both, the previous version adapted, the protocol port doing real requests against the
// embedded IdP, and IdP plugins' client authentication and secret requirement applied.
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cacheKeyFor,
  createMemoryCache,
  ErrorCode,
  type FlowPlugin,
  type IdpPlugin,
  OidcAuth,
  OidcCredentialsAuth,
  OidcflowError,
  SPECIFICATION_VERSION,
  silentLogger,
  type TokenSet,
  tokenSetFromResponse,
} from '../src/index.js';
import type { OpenIdSession } from '../src/protocol/openid-session.js';
import { fakeFlow, loaderWith } from './fake-flows.js';
import { headlessAuthCodeFlow } from './test-flows.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});

const base = () => ({ issuer: idp.issuer, loadModule: loaderWith({}), logger: silentLogger, env: {} });

async function rejection(promise: Promise<unknown>): Promise<OidcflowError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(OidcflowError.isInstance(error), String(error)).toBe(true);
  return error as OidcflowError;
}

describe('specification versions', () => {
  it('is v2, and a flow plugin of another version is refused with a message naming both versions', async () => {
    expect(SPECIFICATION_VERSION).toBe('v2');
    const future = { ...fakeFlow({ name: 'future_flow', family: 'client' }), specificationVersion: 'v3' };
    const auth = new OidcCredentialsAuth({
      ...base(),
      clientId: idp.clients.ci.clientId,
      clientSecret: idp.clients.ci.clientSecret,
      flow: 'future_flow',
      plugins: [future as unknown as FlowPlugin, createMemoryCache()],
    });
    const error = await rejection(auth.getAccessToken());
    expect(error.code).toBe(ErrorCode.PLUGIN_INVALID);
    expect(error.message).toContain('"future_flow" was written for oidcflow plugin specification "v3"');
    expect(error.message).toContain('this @oidcflow/core implements specification v2');
    expect(idp.requests.count({ path: '/token' })).toBe(0);
  });

  it('an IdP plugin without a version is refused too, on the first path that uses it', async () => {
    const unversioned = { kind: 'idp', name: 'old-idp', matches: () => true } as unknown as IdpPlugin;
    const auth = new OidcCredentialsAuth({
      ...base(),
      clientId: idp.clients.ci.clientId,
      clientSecret: idp.clients.ci.clientSecret,
      plugins: [unversioned, createMemoryCache()],
      loadModule: (specifier) => import(specifier),
    });
    const error = await rejection(auth.getAccessToken());
    expect(error.code).toBe(ErrorCode.PLUGIN_INVALID);
    expect(error.message).toContain(
      '"old-idp" was written for oidcflow plugin specification (none declared)',
    );
  });

  it('a v1 flow (context.openid, interactive) still runs through the adapter', async () => {
    let sawOpenId = false;
    const v1Flow = {
      kind: 'flow',
      specificationVersion: 'v1',
      name: 'v1_client',
      interactive: false,
      needsBrowser: false,
      family: 'client',
      priority: 1,
      supports: () => ({ supported: true, reason: 'always' }),
      async run(context: { openid: OpenIdSession; ports: { clock: { now(): number } } }): Promise<TokenSet> {
        sawOpenId = typeof context.openid.client.clientCredentialsGrant === 'function';
        const response = await context.openid.client.clientCredentialsGrant(context.openid.configuration);
        return tokenSetFromResponse(response, context.ports.clock.now());
      },
    };
    const auth = new OidcCredentialsAuth({
      ...base(),
      clientId: idp.clients.ci.clientId,
      clientSecret: idp.clients.ci.clientSecret,
      flow: 'v1_client',
      plugins: [v1Flow as unknown as FlowPlugin, createMemoryCache()],
    });
    expect((await auth.getAccessToken()).length).toBeGreaterThan(10);
    expect(sawOpenId).toBe(true);
  });
});

describe('the protocol port (context.protocol) against the embedded IdP', () => {
  it('builds an authorization request, exchanges the code and validates the ID token', async () => {
    let claims: Record<string, unknown> | undefined;
    let authorizationUrl: URL | undefined;
    const portFlow = fakeFlow({ name: 'port_code', family: 'user' }, async (context) => {
      const redirectUri = 'http://127.0.0.1:1/callback';
      const request = await context.protocol.authorizationRequest({
        redirectUri,
        parameters: { ...context.adjustments.authorizationParameters, state: 'forged', prompt: 'consent' },
      });
      authorizationUrl = new URL(request.url);
      const callback = await completeAuthorizationWithoutBrowser(request.url, idp.user);
      const tokens = await context.protocol.exchangeCode({
        callbackUrl: callback,
        request,
        parameters: context.adjustments.tokenParameters,
      });
      claims = await context.protocol.validateIdToken(tokens.idToken as string, {
        ...(request.nonce ? { nonce: request.nonce } : {}),
      });
      await expect(
        context.protocol.validateIdToken(tokens.idToken as string, { nonce: 'another' }),
      ).rejects.toThrow(/nonce/);
      return tokens;
    });
    const auth = new OidcAuth({
      ...base(),
      clientId: idp.clients.native.clientId,
      scopes: ['openid', 'profile'],
      flow: 'port_code',
      plugins: [portFlow, createMemoryCache()],
    });
    await auth.getAccessToken();
    const parameters = authorizationUrl?.searchParams;
    // A flow's parameters cannot replace what protects the login.
    expect(parameters?.get('state')).not.toBe('forged');
    expect(parameters?.get('prompt')).toBe('consent');
    expect(parameters?.get('code_challenge_method')).toBe('S256');
    expect(parameters?.get('nonce')).toBeTruthy();
    expect(claims?.sub).toBe(idp.user.claims.sub);
    expect(claims?.iss).toBe(idp.issuer);
    expect(claims?.aud).toBe(idp.clients.native.clientId);
  });

  it('runs a grant with extra parameters, and its OAuth errors are OidcflowErrors with oauthError', async () => {
    const grantFlow = fakeFlow({ name: 'port_grant', family: 'client' }, async (context) => {
      const refused = await rejection(context.protocol.grant('urn:example:unknown-grant', { extra: 'x' }));
      expect(refused.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
      expect(refused.oauthError).toBe('unsupported_grant_type');
      return context.protocol.grant('client_credentials', { ...context.adjustments.tokenParameters });
    });
    const auth = new OidcCredentialsAuth({
      ...base(),
      clientId: idp.clients.ci.clientId,
      clientSecret: idp.clients.ci.clientSecret,
      flow: 'port_grant',
      plugins: [grantFlow, createMemoryCache()],
    });
    expect((await auth.getAccessToken()).length).toBeGreaterThan(10);
  });
});

describe('IdP plugins on every path', () => {
  const insistsOnPost: IdpPlugin = {
    kind: 'idp',
    specificationVersion: SPECIFICATION_VERSION,
    name: 'post-only',
    matches: ({ issuer }) => issuer === idp.issuer,
    tokenEndpointAuthMethod: 'client_secret_post',
  };

  it('tokenEndpointAuthMethod replaces core’s choice from the metadata (basic) on the token request', async () => {
    const options = {
      ...base(),
      clientId: idp.clients.ciPost.clientId,
      clientSecret: idp.clients.ciPost.clientSecret,
      loadModule: (specifier: string) => import(specifier),
    };
    const lastGrant = () =>
      idp.requests.list({ path: '/token', clientId: idp.clients.ciPost.clientId }).at(-1);
    idp.requests.reset();
    await new OidcCredentialsAuth({ ...options, plugins: [createMemoryCache()] }).getAccessToken();
    expect(lastGrant()?.parameters).not.toHaveProperty('client_secret');
    idp.requests.reset();
    const token = await new OidcCredentialsAuth({
      ...options,
      plugins: [insistsOnPost, createMemoryCache()],
    }).getAccessToken();
    expect(token.length).toBeGreaterThan(10);
    // Sent in the body (client_secret_post); the request log redacts the value.
    expect(lastGrant()?.parameters.client_secret).toBe('[redacted]');
  });

  it('requiresClientSecret stops before any request when no secret is given', async () => {
    const needsSecret: IdpPlugin = { ...insistsOnPost, name: 'needs-secret', requiresClientSecret: true };
    delete (needsSecret as { tokenEndpointAuthMethod?: string }).tokenEndpointAuthMethod;
    let ran = false;
    const flow = fakeFlow({ name: 'never_runs' }, async () => {
      ran = true;
      throw new Error('must not run');
    });
    const auth = new OidcAuth({
      ...base(),
      clientId: idp.clients.native.clientId,
      flow: 'never_runs',
      plugins: [needsSecret, flow, createMemoryCache()],
    });
    const error = await rejection(auth.getAccessToken());
    expect(error.code).toBe(ErrorCode.CLIENT_SECRET_MISSING);
    expect(error.message).toContain('"needs-secret"');
    expect(ran).toBe(false);
  });

  it('a refresh goes through the IdP plugins too: their token parameters and client authentication', async () => {
    const cache = createMemoryCache();
    const extraParameter: IdpPlugin = {
      kind: 'idp',
      specificationVersion: SPECIFICATION_VERSION,
      name: 'tags-token-requests',
      matches: ({ issuer }) => issuer === idp.issuer,
      tokenParameters: () => ({ tagged_by: 'idp-plugin' }),
    };
    const options = {
      ...base(),
      clientId: idp.clients.native.clientId,
      scopes: ['openid', 'offline_access'],
      flow: 'headless_code',
      plugins: [cache, extraParameter, headlessAuthCodeFlow(completeAuthorizationWithoutBrowser, idp.user)],
    };
    await new OidcAuth(options).getAccessToken();
    const key = cacheKeyFor({
      issuer: idp.issuer,
      clientId: options.clientId,
      scopes: options.scopes,
      family: 'user',
    });
    const entry = await cache.get(key);
    expect(entry?.tokens.refreshToken).toBeTruthy();
    await cache.set(key, { ...entry!, tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000 } });
    idp.requests.reset();
    await new OidcAuth(options).getAccessToken();
    const refreshes = idp.requests.list({ path: '/token', grantType: 'refresh_token' });
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.parameters.tagged_by).toBe('idp-plugin');
  });
});
