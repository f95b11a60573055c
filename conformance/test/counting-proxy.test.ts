// The counting proxy's rewriting and answer recording, against a real origin server: what the
// device scenarios rely on to make Keycloak say slow_down and expired_token by itself.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type CountingProxy, startCountingProxy } from '../src/support/counting-proxy.js';

let origin: Server | undefined;
let proxy: CountingProxy | undefined;

afterEach(async () => {
  await proxy?.stop();
  await new Promise((resolve) => (origin ? origin.close(resolve) : resolve(undefined)));
  origin = undefined;
  proxy = undefined;
});

/** An IdP stand-in: a device authorization answer and a token endpoint saying slow_down. */
async function startOrigin(): Promise<string> {
  origin = createServer((incoming, outgoing) => {
    incoming.resume();
    incoming.on('end', () => {
      if (incoming.url === '/realm/auth/device') {
        outgoing.writeHead(200, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ device_code: 'd', user_code: 'U', interval: 3, expires_in: 3 }));
      } else {
        outgoing.writeHead(400, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify({ error: 'slow_down', error_description: 'Slow down' }));
      }
    });
  });
  await new Promise<void>((resolve) => origin?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
}

/** A request sent the way a forward proxy receives it (absolute URL). */
function viaProxy(url: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const proxyUrl = new URL(proxy?.url ?? '');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: proxyUrl.hostname,
        port: proxyUrl.port,
        method: 'POST',
        path: url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', host: new URL(url).host },
      },
      (answer) => {
        let text = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => {
          text += chunk;
        });
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('the counting proxy', () => {
  it('rewrites the device authorization answer and records each token answer’s error', async () => {
    const base = await startOrigin();
    proxy = await startCountingProxy({
      rewrite: { pathSuffix: '/auth/device', rewrite: (body) => ({ ...body, interval: 1, expires_in: 120 }) },
    });
    const authorization = await viaProxy(`${base}/realm/auth/device`, 'client_id=c');
    expect(authorization).toEqual({
      status: 200,
      json: { device_code: 'd', user_code: 'U', interval: 1, expires_in: 120 },
    });
    const poll = await viaProxy(
      `${base}/realm/token`,
      'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=d',
    );
    // Error answers pass through unchanged; only the configured path is rewritten.
    expect(poll).toEqual({ status: 400, json: { error: 'slow_down', error_description: 'Slow down' } });
    expect(
      proxy.requests.map(({ url, grantType, status, oauthError }) => ({
        url,
        grantType,
        status,
        oauthError,
      })),
    ).toEqual([
      { url: `${base}/realm/auth/device`, grantType: undefined, status: undefined, oauthError: undefined },
      {
        url: `${base}/realm/token`,
        grantType: 'urn:ietf:params:oauth:grant-type:device_code',
        status: 400,
        oauthError: 'slow_down',
      },
    ]);
  });
});
