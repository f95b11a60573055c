import { createHash, randomUUID } from 'node:crypto';
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachePlugin,
  cacheKeyFor,
  createMemoryCache,
  ErrorCode,
  type IdpPlugin,
  OidcAuth,
  OidcCredentialsAuth,
  type OidcCredentialsAuthOptions,
  type OidcflowError,
  SPECIFICATION_VERSION,
  silentLogger,
} from '../src/index.js';
import { type DpopResourceServer, startDpopResourceServer } from './dpop-resource-server.js';
import { loaderWith } from './fake-flows.js';
import { headlessPortFlow } from './test-flows.js';

let idp: TestIdp;
let api: DpopResourceServer;
let nonceApi: DpopResourceServer;
beforeAll(async () => {
  // The token endpoint demands its nonce too: every first proof is answered use_dpop_nonce.
  idp = await startTestIdp({ dpop: { requireNonce: true } });
  const audience = idp.resources[0] as string;
  api = await startDpopResourceServer({ issuer: idp.issuer, audience });
  nonceApi = await startDpopResourceServer({ issuer: idp.issuer, audience, requireNonce: true });
});
afterAll(async () => {
  await api?.stop();
  await nonceApi?.stop();
  await idp?.stop();
});

/** The test IdP issues JWT access tokens (with `cnf.jkt` when DPoP-bound) for a `resource`. */
const resourceParameter = (issuer: string): IdpPlugin => ({
  kind: 'idp',
  specificationVersion: SPECIFICATION_VERSION,
  name: 'test-idp-resource',
  matches: (input) => input.issuer === issuer,
  audienceParameter: 'resource',
});

describe('DPoP (RFC 9449) with the embedded IdP and a resource server that checks proofs', () => {
  let cache: CachePlugin;
  const options = (extra: Partial<OidcCredentialsAuthOptions> = {}): OidcCredentialsAuthOptions => ({
    issuer: idp.issuer,
    clientId: idp.clients.ci.clientId,
    clientSecret: idp.clients.ci.clientSecret,
    audience: idp.resources[0] as string,
    dpop: true,
    plugins: [cache, resourceParameter(idp.issuer)],
    logger: silentLogger,
    env: {},
    allowedOrigins: [api.origin, nonceApi.origin],
    ...extra,
  });
  // The dpop option keeps its entries apart from the bearer ones of the same settings.
  const keyOf = (dpop = true) =>
    cacheKeyFor({
      issuer: idp.issuer,
      clientId: idp.clients.ci.clientId,
      scopes: [],
      audience: idp.resources[0] as string,
      family: 'client',
      dpop,
    });

  beforeEach(() => {
    cache = createMemoryCache();
    api.seen.length = 0;
    nonceApi.seen.length = 0;
    idp.requests.reset();
  });

  it('the token is DPoP-bound to the key kept with the cache entry (after one use_dpop_nonce retry at the token endpoint)', async () => {
    const tokens = await new OidcCredentialsAuth(options()).getTokens();
    expect(tokens.tokenType.toLowerCase()).toBe('dpop');
    const entry = await cache.get(keyOf());
    expect(entry?.dpopKey?.d).toEqual(expect.any(String));
    const { kty, crv, x, y } = entry!.dpopKey!;
    const jkt = await calculateJwkThumbprint({ kty, crv, x, y } as Parameters<
      typeof calculateJwkThumbprint
    >[0]);
    expect((decodeJwt(tokens.accessToken).cnf as { jkt: string }).jkt).toBe(jkt);
    // First proof without the IdP's nonce, refused; the retry carries it.
    expect(idp.requests.count({ path: '/token', grantType: 'client_credentials' })).toBe(2);
  });

  it('an IdP plugin with requiresDpop turns DPoP on without the option', async () => {
    const asks: IdpPlugin = { ...resourceParameter(idp.issuer), requiresDpop: true };
    const tokens = await new OidcCredentialsAuth(
      options({ dpop: false, plugins: [cache, asks] }),
    ).getTokens();
    expect(tokens.tokenType.toLowerCase()).toBe('dpop');
    // Kept under the settings' own key: the option is off, the IdP asks for DPoP every time.
    expect((await cache.get(keyOf(false)))?.dpopKey).toBeDefined();
  });

  it('auth.fetch sends a fresh proof per request, accepted by the resource server', async () => {
    const auth = new OidcCredentialsAuth(options());
    for (const method of ['GET', 'POST']) {
      const response = await auth.fetch(`${api.origin}/api/data`, {
        method,
        ...(method === 'POST' ? { body: 'x' } : {}),
      });
      expect(response.status).toBe(200);
    }
    expect(api.seen.map((seen) => seen.refusal)).toEqual([undefined, undefined]);
    expect(api.seen[0]?.authorization).toMatch(/^DPoP /);
    expect(api.seen[0]?.dpop).not.toBe(api.seen[1]?.dpop);
  });

  it('a replayed proof, and a proof made with another key, are refused', async () => {
    const auth = new OidcCredentialsAuth(options());
    expect((await auth.fetch(`${api.origin}/api/data`)).status).toBe(200);
    const [accepted] = api.seen;
    const replay = await fetch(`${api.origin}/api/data`, {
      headers: { authorization: accepted!.authorization!, dpop: accepted!.dpop! },
    });
    expect(replay.status).toBe(401);
    expect(api.seen[1]?.refusal).toMatch(/jti replayed/);

    const token = accepted!.authorization!.slice('DPoP '.length);
    const other = await generateKeyPair('ES256');
    const foreignProof = await new SignJWT({
      htm: 'GET',
      htu: `${api.origin}/api/data`,
      jti: randomUUID(),
      ath: createHash('sha256').update(token).digest('base64url'),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(other.publicKey) })
      .setIssuedAt()
      .sign(other.privateKey);
    const stolen = await fetch(`${api.origin}/api/data`, {
      headers: { authorization: `DPoP ${token}`, dpop: foreignProof },
    });
    expect(stolen.status).toBe(401);
    expect(api.seen[2]?.refusal).toMatch(/not the key the token is bound to/);
    // The same token as a plain bearer token is refused as well.
    const bearer = await fetch(`${api.origin}/api/data`, { headers: { authorization: `Bearer ${token}` } });
    expect(bearer.status).toBe(401);
  });

  it("use_dpop_nonce from a resource server: one retry with the server's nonce", async () => {
    const auth = new OidcCredentialsAuth(options());
    const response = await auth.fetch(`${nonceApi.origin}/api/data`);
    expect(response.status).toBe(200);
    expect(nonceApi.seen.map((seen) => seen.refusal?.split(':')[0])).toEqual(['use_dpop_nonce', undefined]);
    // The nonce is remembered: the next request needs no retry.
    expect((await auth.fetch(`${nonceApi.origin}/api/data`)).status).toBe(200);
    expect(nonceApi.seen).toHaveLength(3);
  });

  it('a later instance (as a later process would) proves possession with the cached key, no new token', async () => {
    const first = await new OidcCredentialsAuth(options()).getTokens();
    idp.requests.reset();
    const later = new OidcCredentialsAuth(options());
    expect((await later.fetch(`${api.origin}/api/data`)).status).toBe(200);
    expect(api.seen[0]?.authorization).toBe(`DPoP ${first.accessToken}`);
    expect(idp.requests.count()).toBe(0);
  });
});

describe('DPoP for a user login: the refresh proves possession of the same key', () => {
  it('login, auth.fetch, then an expired token is refreshed with a proof and stays bound to the same key', async () => {
    const cache = createMemoryCache();
    const counter = { runs: 0 };
    const audience = idp.resources[0] as string;
    const options = {
      issuer: idp.issuer,
      clientId: idp.clients.native.clientId,
      scopes: ['openid'],
      audience,
      dpop: true,
      flow: 'headless_port_code',
      plugins: [
        cache,
        resourceParameter(idp.issuer),
        headlessPortFlow(completeAuthorizationWithoutBrowser, idp.user, counter),
      ],
      loadModule: loaderWith({}),
      logger: silentLogger,
      env: {},
      allowedOrigins: [api.origin],
    };
    const key = cacheKeyFor({
      issuer: idp.issuer,
      clientId: idp.clients.native.clientId,
      scopes: ['openid'],
      audience,
      family: 'user',
      dpop: true,
    });
    api.seen.length = 0;
    const auth = new OidcAuth(options);
    expect((await auth.fetch(`${api.origin}/api/data`)).status).toBe(200);
    const entry = await cache.get(key);
    expect(entry?.tokens.tokenType.toLowerCase()).toBe('dpop');
    expect(entry?.tokens.refreshToken).toBeTruthy();
    const jkt = (decodeJwt(entry!.tokens.accessToken).cnf as { jkt: string }).jkt;

    await cache.set(key, { ...entry!, tokens: { ...entry!.tokens, expiresAt: Date.now() - 1000 } });
    idp.requests.reset();
    const later = new OidcAuth(options);
    expect((await later.fetch(`${api.origin}/api/data`)).status).toBe(200);
    // oidc-provider refuses a DPoP-bound refresh token without a proof by the same key.
    expect(idp.requests.count({ path: '/token', grantType: 'refresh_token' })).toBeGreaterThanOrEqual(1);
    const refreshed = await cache.get(key);
    expect(refreshed?.tokens.accessToken).not.toBe(entry?.tokens.accessToken);
    expect(refreshed?.dpopKey).toEqual(entry?.dpopKey);
    expect((decodeJwt(refreshed!.tokens.accessToken).cnf as { jkt: string }).jkt).toBe(jkt);
    expect(counter.runs).toBe(1);
    expect(api.seen.map((seen) => seen.refusal)).toEqual([undefined, undefined]);

    // The API revokes the token: auth.fetch refreshes with a proof by the same key and retries once.
    api.refused.add(refreshed!.tokens.accessToken);
    idp.requests.reset();
    expect((await later.fetch(`${api.origin}/api/data`, { method: 'POST', body: 'again' })).status).toBe(200);
    expect(api.seen.slice(2).map((seen) => seen.refusal?.split(':')[0])).toEqual([
      'invalid_token',
      undefined,
    ]);
    expect(idp.requests.count({ path: '/token', grantType: 'refresh_token' })).toBeGreaterThanOrEqual(1);
    const third = await cache.get(key);
    expect(third?.tokens.accessToken).not.toBe(refreshed?.tokens.accessToken);
    expect(third?.dpopKey).toEqual(entry?.dpopKey);
    expect(counter.runs).toBe(1);
  });
});

describe('dpop: true with an IdP that does not support DPoP', () => {
  it('fails with DPOP_NOT_BOUND, caches nothing, and auth.fetch sends no bearer token', async () => {
    const plain = await startTestIdp();
    const sent: (string | undefined)[] = [];
    const echo = await import('node:http').then(({ createServer }) => {
      const server = createServer((request, response) => {
        sent.push(request.headers.authorization);
        response.end('ok');
      });
      return new Promise<{ origin: string; close: () => void }>((resolve) =>
        server.listen(0, '127.0.0.1', () =>
          resolve({
            origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
            close: () => server.close(),
          }),
        ),
      );
    });
    try {
      const cache = createMemoryCache();
      const auth = new OidcCredentialsAuth({
        issuer: plain.issuer,
        clientId: plain.clients.ci.clientId,
        clientSecret: plain.clients.ci.clientSecret,
        dpop: true,
        plugins: [cache],
        logger: silentLogger,
        env: {},
      });
      const refused = await auth.getTokens().then(
        () => undefined,
        (error: unknown) => error as OidcflowError,
      );
      expect(refused?.code).toBe(ErrorCode.DPOP_NOT_BOUND);
      const viaFetch = await auth.fetch(`${echo.origin}/x`).then(
        () => undefined,
        (error: unknown) => error as OidcflowError,
      );
      expect(viaFetch?.code).toBe(ErrorCode.DPOP_NOT_BOUND);
      expect(sent).toEqual([]);
      const key = cacheKeyFor({
        issuer: plain.issuer,
        clientId: plain.clients.ci.clientId,
        scopes: [],
        family: 'client',
        dpop: true,
      });
      expect(await cache.get(key)).toBeUndefined();
    } finally {
      echo.close();
      await plain.stop();
    }
  });
});
