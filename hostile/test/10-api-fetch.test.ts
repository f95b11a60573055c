// Issue 23: auth.fetch, the API side. A redirect it follows itself must not carry the caller's
// credentials to another origin, and an API call gets the same HTTP policy as an IdP call:
// the private CA of caCertPath, the proxy of the environment, a deadline to the last byte.
import { ErrorCode, OidcCredentialsAuth, OidcflowError, silentLogger } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDirectories, temporaryDirectory } from '../support/processes.js';
import { json, metadataFor, startForwardProxy, startServer, stopServers } from '../support/servers.js';
import { startPrivateCaServer } from '../support/tls.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await stopServers();
  await removeDirectories();
});

/** A client-credentials IdP on 127.0.0.1 that hands out `api-token`. */
function credentialsIdp() {
  return startServer((request, response, base) => {
    if (request.path === '/.well-known/openid-configuration') json(response, 200, metadataFor(base));
    else if (request.path === '/token')
      json(response, 200, { access_token: 'api-token', token_type: 'Bearer', expires_in: 300 });
    else json(response, 404, {});
  });
}

async function authFor(issuer: string, extra: Record<string, unknown> = {}) {
  return new OidcCredentialsAuth({
    issuer,
    clientId: 'cli',
    clientSecret: 'client-secret',
    cachePath: await temporaryDirectory(),
    logger: silentLogger,
    env: {},
    ...extra,
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  );
}

const CALLER_CREDENTIALS = {
  cookie: 'session=cookie-for-the-api-only',
  'proxy-authorization': 'Basic cHJveHktdXNlcjpwcm94eS1wYXNzd29yZA==',
  'x-api-key': 'api-key-for-the-api-only',
  authorization: 'Bearer caller-own-token',
};

describe('auth.fetch and the API it calls', () => {
  it('a redirect to another origin carries none of the caller’s credential headers (Cookie, Proxy-Authorization, X-Api-Key, Authorization, DPoP)', async () => {
    const idp = await credentialsIdp();
    const elsewhere = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('landed');
    });
    const api = await startServer((_request, response) => {
      response.writeHead(302, { location: `${elsewhere.url}/landing` }).end();
    });
    const auth = await authFor(idp.url, { allowedOrigins: [api.url] });
    const response = await auth.fetch(`${api.url}/redirect-away`, {
      headers: { ...CALLER_CREDENTIALS, accept: 'text/plain' },
    });
    expect(await response.text()).toBe('landed');
    // The API itself got the token and the caller's cookie.
    expect(api.requests[0]?.headers.authorization).toBe('Bearer api-token');
    expect(api.requests[0]?.headers.cookie).toBe(CALLER_CREDENTIALS.cookie);
    const landed = elsewhere.requests[0]?.headers ?? {};
    for (const name of ['authorization', 'dpop', 'cookie', 'proxy-authorization', 'x-api-key'])
      expect(landed, name).not.toHaveProperty(name);
    // What is no credential still goes along.
    expect(landed.accept).toBe('text/plain');
  });

  it('an API behind a private CA is trusted through caCertPath, as the IdP is', async () => {
    const idp = await credentialsIdp();
    const api = await startPrivateCaServer(await temporaryDirectory());
    stops.push(api.stop);
    const auth = await authFor(idp.url, { caCertPath: api.caCertPath });
    const response = await auth.fetch(`${api.url}/things`);
    expect(await response.text()).toBe('trusted');
    expect(api.authorizations).toEqual(['Bearer api-token']);
  });

  it('an API call goes through the proxy of the environment (HTTP_PROXY), as IdP calls do', async () => {
    const idp = await credentialsIdp();
    const api = await startServer((_request, response) => json(response, 200, { ok: true }));
    const proxy = await startForwardProxy();
    stops.push(proxy.stop);
    const auth = await authFor(idp.url, { env: { HTTP_PROXY: proxy.url } });
    const response = await auth.fetch(`${api.url}/things`);
    expect(await response.json()).toEqual({ ok: true });
    // Tunnelled (CONNECT host:port) or forwarded (an absolute URL): either way through the proxy.
    const host = new URL(api.url).host;
    expect(
      proxy.forwarded.filter((target) => target === host || target.startsWith(`${api.url}/`)),
    ).not.toEqual([]);
  });

  it('a drip-fed API answer (1 byte a second) ends at the deadline with FETCH_TIMEOUT', async () => {
    const idp = await credentialsIdp();
    const api = await startServer(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let second = 0; second < 60 && !response.destroyed; second++) {
        response.write('.');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      response.end();
    });
    const auth = await authFor(idp.url, { httpTimeoutSeconds: 2 });
    const started = Date.now();
    const reading = auth.fetch(`${api.url}/drip`).then((response) => response.arrayBuffer());
    const hung = new Promise((resolve) => setTimeout(() => resolve('still reading after 15 s'), 15_000));
    const error = await Promise.race([rejectionOf(reading), hung]);
    const elapsed = Date.now() - started;
    console.info(`drip-fed API answer with httpTimeoutSeconds 2: ended after ${elapsed} ms`);
    expect(OidcflowError.isInstance(error), String(error)).toBe(true);
    expect((error as OidcflowError).code).toBe(ErrorCode.FETCH_TIMEOUT);
    expect((error as OidcflowError).message).toContain('within 2 s');
    expect(elapsed).toBeLessThan(4_000);
  });

  it('fetchTimeoutSeconds, not httpTimeoutSeconds, bounds an API that is slow to answer', async () => {
    const idp = await credentialsIdp();
    const api = await startServer(async (_request, response) => {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('slow ');
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      response.end('but whole');
    });
    const auth = await authFor(idp.url, { httpTimeoutSeconds: 2, fetchTimeoutSeconds: 20 });
    const response = await auth.fetch(`${api.url}/slow`);
    expect(await response.text()).toBe('slow but whole');
  });
});
