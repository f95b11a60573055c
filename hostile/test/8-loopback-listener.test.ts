// Issue 12, item 8 (listener part): DNS rebinding reached the loopback listener (it ignored
// the Host header), and a `localhost` redirect bound IPv4 only, so another process could take
// [::1]:port and receive the authorization code from a browser that resolves localhost to ::1.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, OidcAuth, OidcflowError, silentLogger } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDirectories, temporaryDirectory } from '../support/processes.js';
import { json, metadataFor, startServer, stopServers } from '../support/servers.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await stopServers();
  await removeDirectories();
});

async function idp() {
  return startServer((request, response, base) => {
    if (request.path === '/.well-known/openid-configuration') return json(response, 200, metadataFor(base));
    json(response, 400, { error: 'invalid_grant' });
  });
}

/** GET `url` on 127.0.0.1 with the given Host header; resolves with the status code. */
function getWithHost(url: string, host: string): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: target.port, path: `${target.pathname}${target.search}`, headers: { host } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.once('error', reject);
    request.end();
  });
}

describe('the loopback listener under attack', () => {
  it('DNS rebinding: a callback with the right state but a foreign Host is refused (421) and the login keeps waiting', async () => {
    const server = await idp();
    const controller = new AbortController();
    const statuses: number[] = [];
    const auth = new OidcAuth({
      issuer: server.url,
      clientId: 'cli',
      flow: 'auth_code',
      callbackPort: 0,
      cachePath: await temporaryDirectory(),
      logger: silentLogger,
      env: { DISPLAY: ':0' },
      signal: controller.signal,
      ports: {
        output: { write: () => true, isTTY: false },
        // A page at rebinding.attacker.example, whose name now resolves to 127.0.0.1, calls the listener.
        openUrl: async (url) => {
          const authorization = new URL(url);
          const callback = new URL(authorization.searchParams.get('redirect_uri') ?? '');
          callback.searchParams.set('state', authorization.searchParams.get('state') ?? '');
          callback.searchParams.set('code', 'code-from-the-attacker');
          statuses.push(await getWithHost(callback.href, `rebinding.attacker.example:${callback.port}`));
          setTimeout(() => controller.abort(new Error('test over')), 200);
          return true;
        },
      },
    });
    const error = await auth.getAccessToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(statuses).toEqual([421]);
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.LOGIN_ABORTED);
    expect(server.requests.filter((request) => request.path === '/token')).toEqual([]);
  });

  it('a localhost redirect whose [::1]:port another process holds is refused before the browser opens', async () => {
    const server = await idp();
    const squatter = createServer((_request, response) => response.end('I receive your codes'));
    await new Promise<void>((resolve) => squatter.listen({ host: '::1', port: 0 }, resolve));
    closers.push(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const port = (squatter.address() as AddressInfo).port;
    let opened = 0;
    const auth = new OidcAuth({
      issuer: server.url,
      clientId: 'cli',
      flow: 'auth_code',
      redirectUri: `http://localhost:${port}/callback`,
      cachePath: await temporaryDirectory(),
      logger: silentLogger,
      env: { DISPLAY: ':0' },
      ports: {
        output: { write: () => true, isTTY: false },
        openUrl: async () => {
          opened += 1;
          return true;
        },
      },
    });
    const error = await auth.getAccessToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.CALLBACK_PORT_IN_USE);
    expect((error as Error).message).toContain('::1');
    expect(opened).toBe(0);
  });
});
