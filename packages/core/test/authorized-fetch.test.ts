import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachePlugin,
  createMemoryCache,
  ErrorCode,
  OidcAuth,
  type OidcAuthOptions,
  OidcCredentialsAuth,
  OidcflowError,
  silentLogger,
} from '../src/index.js';
import { loaderWith } from './fake-flows.js';
import { type ResourceServer, startResourceServer } from './resource-server.js';
import { headlessAuthCodeFlow } from './test-flows.js';

let idp: TestIdp;
let api: ResourceServer;
let elsewhere: ResourceServer;
beforeAll(async () => {
  idp = await startTestIdp();
  const userinfo = `${idp.issuer}/me`;
  elsewhere = await startResourceServer(userinfo, {
    '/landing': (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('landed');
    },
  });
  api = await startResourceServer(userinfo, {
    '/redirect-away': (_request, response) => {
      response.writeHead(302, { location: `${elsewhere.origin}/landing` }).end();
    },
    '/redirect-home': (_request, response) => {
      response.writeHead(307, { location: '/api/data' }).end();
    },
    '/redirect-loop': (_request, response) => {
      response.writeHead(302, { location: '/redirect-loop' }).end();
    },
  });
});
afterAll(async () => {
  await api?.stop();
  await elsewhere?.stop();
  await idp?.stop();
});

const apiAnswer = async (response: Response) => (await response.json()) as { sub: string; body: string };

const errorOf = async (run: () => Promise<unknown>): Promise<OidcflowError> => {
  try {
    await run();
  } catch (error) {
    if (OidcflowError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an OidcflowError');
};

/**
 * The API refuses `token` from now on, though it has not expired (revoking it at oidc-provider
 * would revoke the whole grant, refresh token included, which is not the case under test).
 */
const revoke = (token: string) => {
  api.refused.add(token);
};

describe('auth.fetch against a resource server that checks tokens with the embedded IdP', () => {
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
  const refreshes = () => idp.requests.count({ path: '/token', grantType: 'refresh_token' });

  beforeEach(() => {
    cache = createMemoryCache();
    counter = { runs: 0 };
    api.seen.length = 0;
    elsewhere.seen.length = 0;
    idp.requests.reset();
  });

  it('sends the bearer token and returns the API response', async () => {
    const auth = new OidcAuth(userOptions());
    const response = await auth.fetch(`${api.origin}/api/data`);
    expect(response.status).toBe(200);
    expect((await apiAnswer(response)).sub).toEqual(expect.any(String));
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]?.authorization).toBe(`Bearer ${await auth.getAccessToken()}`);
  });

  it('401 invalid_token: drops the token, refreshes once and retries once', async () => {
    const auth = new OidcAuth(userOptions());
    const before = await auth.getTokens();
    revoke(before.accessToken);
    idp.requests.reset();

    const response = await auth.fetch(`${api.origin}/api/data`, { method: 'POST', body: 'payload' });
    expect(response.status).toBe(200);
    expect((await apiAnswer(response)).body).toBe('payload');
    expect(refreshes()).toBe(1);
    expect(counter.runs).toBe(1); // no second login
    expect(api.seen.map((seen) => seen.authorization)).toEqual([
      `Bearer ${before.accessToken}`,
      `Bearer ${(await auth.getTokens()).accessToken}`,
    ]);
    expect(api.seen[1]?.authorization).not.toBe(`Bearer ${before.accessToken}`);
    expect(api.seen.map((seen) => seen.body)).toEqual(['payload', 'payload']);
  });

  it('a second 401 after the retry is returned as it is: one refresh, two requests, no loop', async () => {
    const auth = new OidcAuth(userOptions());
    await auth.getTokens();
    // Every token is refused by this route, the fresh one too.
    const refusing = await startResourceServer(`${idp.issuer}/no-such-userinfo`);
    try {
      const response = await auth.fetch(`${refusing.origin}/api/data`);
      expect(response.status).toBe(401);
      expect(refusing.seen).toHaveLength(2);
      expect(refreshes()).toBe(1);
    } finally {
      await refusing.stop();
    }
  });

  it('a stream body is not retried: FETCH_NOT_REPLAYABLE, and the next call uses a fresh token', async () => {
    const auth = new OidcAuth(userOptions());
    const before = await auth.getTokens();
    revoke(before.accessToken);
    idp.requests.reset();

    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const error = await errorOf(() =>
      auth.fetch(`${api.origin}/api/data`, { method: 'POST', body, duplex: 'half' } as RequestInit),
    );
    expect(error.code).toBe(ErrorCode.FETCH_NOT_REPLAYABLE);
    expect(error.status).toBe(401);
    expect(error.message).not.toContain(before.accessToken);
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]?.body).toBe('streamed');
    expect(refreshes()).toBe(0);

    const next = await auth.fetch(`${api.origin}/api/data`);
    expect(next.status).toBe(200);
    expect(refreshes()).toBe(1);
    expect(api.seen[1]?.authorization).not.toBe(`Bearer ${before.accessToken}`);
  });

  it('a redirect to another origin is followed without the token', async () => {
    const auth = new OidcAuth(userOptions());
    const response = await auth.fetch(`${api.origin}/redirect-away`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('landed');
    expect(api.seen[0]?.authorization).toMatch(/^Bearer /);
    expect(elsewhere.seen).toHaveLength(1);
    expect(elsewhere.seen[0]?.authorization).toBeUndefined();
  });

  it('a same-origin redirect keeps the token (and a 307 keeps method and body)', async () => {
    const auth = new OidcAuth(userOptions());
    const response = await auth.fetch(`${api.origin}/redirect-home`, { method: 'PUT', body: 'kept' });
    expect(response.status).toBe(200);
    expect((await apiAnswer(response)).body).toBe('kept');
    expect(api.seen.map((seen) => [seen.method, seen.path, Boolean(seen.authorization)])).toEqual([
      ['PUT', '/redirect-home', true],
      ['PUT', '/api/data', true],
    ]);
  });

  it('a redirect loop stops after a bounded number of hops', async () => {
    const auth = new OidcAuth(userOptions());
    const error = await errorOf(() => auth.fetch(`${api.origin}/redirect-loop`));
    expect(error.code).toBe(ErrorCode.FETCH_TOO_MANY_REDIRECTS);
    expect(api.seen.length).toBe(11);
  });

  it('the token goes only to the first origin used, unless allowedOrigins lists more', async () => {
    const pinned = new OidcAuth(userOptions());
    expect((await pinned.fetch(`${api.origin}/api/data`)).status).toBe(200);
    const error = await errorOf(() => pinned.fetch(`${elsewhere.origin}/api/data`));
    expect(error.code).toBe(ErrorCode.FETCH_ORIGIN_NOT_ALLOWED);
    expect(elsewhere.seen).toHaveLength(0);

    const listed = new OidcAuth(userOptions({ allowedOrigins: [api.origin, elsewhere.origin] }));
    expect((await listed.fetch(`${elsewhere.origin}/api/data`)).status).toBe(200);
    expect((await listed.fetch(`${api.origin}/api/data`)).status).toBe(200);
    expect(elsewhere.seen[0]?.authorization).toMatch(/^Bearer /);
  });

  it('an origin not allowed is refused before any login', async () => {
    const auth = new OidcAuth(userOptions({ allowedOrigins: [api.origin] }));
    const error = await errorOf(() => auth.fetch(`${elsewhere.origin}/api/data`));
    expect(error.code).toBe(ErrorCode.FETCH_ORIGIN_NOT_ALLOWED);
    expect(counter.runs).toBe(0);
    expect(idp.requests.count()).toBe(0);
  });

  it('OidcCredentialsAuth has the same fetch', async () => {
    const auth = new OidcCredentialsAuth({
      issuer: idp.issuer,
      clientId: idp.clients.ci.clientId,
      clientSecret: idp.clients.ci.clientSecret,
      plugins: [cache],
      logger: silentLogger,
      env: {},
    });
    const token = await auth.getAccessToken();
    const landing = await auth.fetch(`${elsewhere.origin}/landing`);
    expect(landing.status).toBe(200);
    expect(elsewhere.seen[0]?.authorization).toBe(`Bearer ${token}`);
  });
});
