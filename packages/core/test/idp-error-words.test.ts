// An IdP's OAuth error keeps its words (error code and description) in what oidcflow reports,
// whatever the HTTP status it came with. The embedded IdP misbehaves on purpose through its
// scripted responses: a 500 with a JSON OAuth error on the token endpoint, a revocation
// endpoint answering 401 invalid_client.
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachePlugin,
  cacheKeyFor,
  createMemoryCache,
  ErrorCode,
  type Logger,
  OidcAuth,
  type OidcAuthOptions,
  OidcflowError,
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

let cache: CachePlugin;
let warnings: string[];
beforeEach(() => {
  cache = createMemoryCache();
  warnings = [];
  idp.requests.reset();
  idp.script.clear();
});

const logger: Logger = { debug() {}, warn: (message) => warnings.push(message) };
const options = (): OidcAuthOptions => ({
  issuer: idp.issuer,
  clientId: idp.clients.native.clientId,
  scopes: ['openid'],
  flow: 'headless_code',
  plugins: [cache, headlessAuthCodeFlow(completeAuthorizationWithoutBrowser, idp.user)],
  loadModule: loaderWith({}),
  logger,
  env: {},
});
const key = () =>
  cacheKeyFor({
    issuer: idp.issuer,
    clientId: idp.clients.native.clientId,
    scopes: ['openid'],
    family: 'user',
  });

/** Logs in, then marks the cached access token expired so the next call refreshes. */
async function loginThenExpire(): Promise<void> {
  await new OidcAuth(options()).getTokens();
  const entry = await cache.get(key());
  await cache.set(key(), { ...entry!, tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000 } });
  idp.requests.reset();
}

async function rejectionOf(promise: Promise<unknown>): Promise<OidcflowError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(OidcflowError.isInstance(error)).toBe(true);
  return error as OidcflowError;
}

describe('OAuth errors keep their words', () => {
  it('a refresh answered with HTTP 500 and a JSON OAuth error reports its code and description, at once', async () => {
    await loginThenExpire();
    idp.script.tokenResponses(
      [{ status: 500, body: { error: 'server_error', error_description: 'user not found' } }],
      { grantType: 'refresh_token' },
    );
    const started = performance.now();
    const error = await rejectionOf(new OidcAuth(options()).getTokens());
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.status).toBe(500);
    expect(error.oauthError).toBe('server_error');
    expect(error.oauthErrorDescription).toBe('user not found');
    expect(error.message).toContain('server_error: user not found');
    expect(error.message).toContain('HTTP 500');
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
    // The entry stays: a failing IdP is no reason to drop a refresh token.
    expect((await cache.get(key()))?.tokens.refreshToken).toBeTruthy();
  });

  it('a 4xx JSON OAuth error sent as text/plain is read too', async () => {
    await loginThenExpire();
    idp.script.tokenResponses(
      [
        {
          status: 403,
          contentType: 'text/plain',
          body: JSON.stringify({ error: 'unauthorized_client', error_description: 'client is disabled' }),
        },
      ],
      { grantType: 'refresh_token' },
    );
    const error = await rejectionOf(new OidcAuth(options()).getTokens());
    expect(error.oauthError).toBe('unauthorized_client');
    expect(error.status).toBe(403);
    expect(error.message).toContain('unauthorized_client: client is disabled');
  });

  it('a 500 HTML page is reported by status and content type, without the page', async () => {
    await loginThenExpire();
    idp.script.tokenResponses(
      [{ status: 500, contentType: 'text/html', body: '<html><body>oops</body></html>' }],
      { grantType: 'refresh_token' },
    );
    const error = await rejectionOf(new OidcAuth(options()).getTokens());
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.status).toBe(500);
    expect(error.oauthError).toBeUndefined();
    expect(error.message).toContain(
      'HTTP 500 (text/html) instead of an OAuth response when asked to refresh the token',
    );
    expect(error.message).not.toContain('oops');
  });

  it("a revocation answered 401 invalid_client warns with the IdP's code and description", async () => {
    await new OidcAuth(options()).getTokens();
    const metadata = (await cache.get(key()))?.metadata?.document;
    const revocationPath = new URL(metadata!.revocation_endpoint!).pathname;
    idp.script.tokenResponses(
      [
        {
          status: 401,
          body: { error: 'invalid_client', error_description: 'client authentication failed (test)' },
        },
      ],
      { path: revocationPath },
    );
    const result = await new OidcAuth(options()).logout();
    expect(result).toMatchObject({ removed: true, revoked: false });
    expect(idp.script.pending()).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('invalid_client: client authentication failed (test)');
    expect(warnings[0]).toContain('They stay valid until they expire');
  });
});
