import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../src/http/http-client.js';
import { ErrorCode, OidcflowError } from '../src/index.js';
import { type FixtureServer, json, startFixtureServer } from './http-fixture.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A forward proxy that tunnels CONNECT requests (as undici's proxy agent sends); records them. */
async function startProxy(): Promise<{ url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const server = createServer((_request, response) => response.writeHead(405).end());
  server.on('connect', (request, client: Socket, head: Buffer) => {
    tunnels.push(request.url ?? '');
    const [host, port] = (request.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { url: await listen(server), tunnels };
}

async function metadataServer(): Promise<FixtureServer> {
  const server = await startFixtureServer((request, response, baseUrl) =>
    json(response, 200, { issuer: baseUrl, userAgent: request.headers['user-agent'] }),
  );
  stops.push(server.stop);
  return server;
}

describe('the HTTP client for IdP calls', () => {
  it('sends an oidcflow User-Agent', async () => {
    const idp = await metadataServer();
    const client = await createHttpClient({ timeoutSeconds: 5, env: {}, home: '/' });
    const body = (await (await client.fetch(`${idp.url}/x`)).json()) as { userAgent: string };
    await client.close();
    expect(body.userAgent).toMatch(/^oidcflow\/\S+ node\//);
  });

  it('goes through HTTP_PROXY, and around it for hosts in NO_PROXY', async () => {
    const idp = await metadataServer();
    const proxy = await startProxy();
    const proxied = await createHttpClient({ timeoutSeconds: 5, env: { HTTP_PROXY: proxy.url }, home: '/' });
    expect((await proxied.fetch(`${idp.url}/through`)).status).toBe(200);
    await proxied.close();
    expect(proxy.tunnels).toEqual([new URL(idp.url).host]);

    const bypassing = await createHttpClient({
      timeoutSeconds: 5,
      env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' },
      home: '/',
    });
    expect((await bypassing.fetch(`${idp.url}/direct`)).status).toBe(200);
    await bypassing.close();
    expect(proxy.tunnels).toEqual([new URL(idp.url).host]);
    expect(idp.requests).toEqual(['/through', '/direct']);
  });

  it('gives up on an IdP that never answers after the timeout: IDP_UNREACHABLE', async () => {
    const silent = createServer(() => {
      // Accepts the request and never answers.
    });
    const url = await listen(silent);
    const client = await createHttpClient({ timeoutSeconds: 1, env: {}, home: '/' });
    const started = Date.now();
    const error = await client.fetch(`${url}/.well-known/openid-configuration`).then(
      () => undefined,
      (e: unknown) => e,
    );
    await client.close();
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.IDP_UNREACHABLE);
    expect((error as Error).message).toMatch(/Cannot reach the IdP/);
    // Bounded by the timeout, not by a default of minutes.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('the one policy for every request', () => {
  it('never follows a redirect on a POST (the body holds the client secret or a code)', async () => {
    const attacker = await startFixtureServer((_request, response) => json(response, 200, { stolen: true }));
    stops.push(attacker.stop);
    const idp = await startFixtureServer((_request, response) => {
      response.writeHead(307, { location: `${attacker.url}/token` });
      response.end();
    });
    stops.push(idp.stop);
    const client = await createHttpClient({ timeoutSeconds: 5, env: {}, home: '/' });
    const response = await client.fetch(`${idp.url}/token`, {
      method: 'POST',
      body: 'grant_type=client_credentials&client_secret=s',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await client.close();
    expect(response.status).toBe(307);
    expect(attacker.requests).toEqual([]);
  });

  it('bounds the whole answer by the deadline, not each chunk, and its size by maxResponseBytes', async () => {
    const drip = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => response.write(' '), 200);
      response.on('close', () => clearInterval(timer));
    });
    const dripUrl = await listen(drip);
    const client = await createHttpClient({ timeoutSeconds: 1, maxResponseBytes: 1000, env: {}, home: '/' });
    const started = Date.now();
    const late = await client.fetch(`${dripUrl}/x`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(OidcflowError.isInstance(late) && late.code).toBe(ErrorCode.IDP_UNREACHABLE);
    expect(Date.now() - started).toBeLessThan(2_000);

    const big = await startFixtureServer((_request, response) =>
      json(response, 200, { pad: 'x'.repeat(5000) }),
    );
    stops.push(big.stop);
    const tooLarge = await client.fetch(`${big.url}/x`).then(
      () => undefined,
      (e: unknown) => e,
    );
    await client.close();
    expect(OidcflowError.isInstance(tooLarge) && tooLarge.code).toBe(ErrorCode.IDP_RESPONSE_TOO_LARGE);
  });
});
