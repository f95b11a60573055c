import { createServer } from 'node:net';
import { ErrorCode, OidcAuth } from '@oidcflow/core';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as flowDevice from '../src/index.js';
import {
  captureOutput,
  createFakeClock,
  DEVICE_GRANT,
  deviceOptions,
  type FakeClock,
  nothingInstalled,
  rejectionOf,
} from './support.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});

let clock: FakeClock;
beforeEach(() => {
  clock = createFakeClock();
  idp.requests.reset();
  idp.script.clear();
});

/** A device authorization answer of the IdP's, replaced by the test's. */
function scriptDeviceAuthorization(body: Record<string, unknown>): void {
  idp.script.tokenResponses([{ status: 200, body }], { path: '/device/auth' });
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('starting the device login', () => {
  it("a client that may not use the device grant gets the IdP's reason", async () => {
    const error = await rejectionOf(
      new OidcAuth(
        deviceOptions(idp, { clock, extra: { clientId: idp.clients.native.clientId } }),
      ).getAccessToken(),
    );
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.message).toContain('start the device login');
    expect(error.message).toContain('not allowed for this client');
    expect(idp.requests.tokenRequests(DEVICE_GRANT)).toBe(0);
  });

  it('unauthorized_client says how to fix it', async () => {
    idp.script.tokenResponses([{ status: 400, body: { error: 'unauthorized_client' } }], {
      path: '/device/auth',
    });
    const error = await rejectionOf(new OidcAuth(deviceOptions(idp, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.oauthError).toBe('unauthorized_client');
    expect(error.message).toContain('Enable the device authorization grant');
  });

  it('invalid_scope names the scopes and says to set them', async () => {
    idp.script.tokenResponses(
      [{ status: 400, body: { error: 'invalid_scope', error_description: 'OAuth 2.0 Parameter: scope' } }],
      { path: '/device/auth' },
    );
    const error = await rejectionOf(new OidcAuth(deviceOptions(idp, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.oauthError).toBe('invalid_scope');
    expect(error.message).toContain('[openid profile] (invalid_scope: OAuth 2.0 Parameter: scope)');
    expect(error.message).toContain('Set the scopes option');
  });

  it('an invalid device authorization response names what is wrong', async () => {
    scriptDeviceAuthorization({
      device_code: 'not-a-real-device-code',
      user_code: 'ABCD-EFGH',
      verification_uri: `${idp.issuer}/device`,
      expires_in: 600,
      interval: 0,
    });
    const error = await rejectionOf(new OidcAuth(deviceOptions(idp, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.TOKEN_RESPONSE_INVALID);
    expect(error.message).toContain('"interval" property must be a positive number');
  });

  it('a 503 with a JSON OAuth error from the device authorization endpoint keeps its words', async () => {
    idp.script.tokenResponses(
      [{ status: 503, body: { error: 'temporarily_unavailable', error_description: 'directory is down' } }],
      { path: '/device/auth' },
    );
    const error = await rejectionOf(new OidcAuth(deviceOptions(idp, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.status).toBe(503);
    expect(error.oauthError).toBe('temporarily_unavailable');
    expect(error.message).toContain('temporarily_unavailable: directory is down');
    expect(error.message).toContain('start the device login');
  });

  it('an HTML page from the device authorization endpoint is reported as such', async () => {
    idp.script.tokenResponses([{ status: 404, body: '<html>Not here</html>', contentType: 'text/html' }], {
      path: '/device/auth',
    });
    const error = await rejectionOf(new OidcAuth(deviceOptions(idp, { clock })).getAccessToken());
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.status).toBe(404);
    expect(error.message).toContain('device authorization endpoint');
    expect(error.message).not.toContain('Not here');
  });

  it('an unreachable device authorization endpoint keeps core’s IDP_UNREACHABLE', async () => {
    const port = await closedPort();
    const error = await rejectionOf(
      new OidcAuth(
        deviceOptions(idp, {
          clock,
          extra: { deviceAuthorizationEndpoint: `http://127.0.0.1:${port}/device/auth` },
        }),
      ).getAccessToken(),
    );
    expect(error.code).toBe(ErrorCode.IDP_UNREACHABLE);
  });

  it('control and bidi characters in what the IdP sends are shown as \\u…, never obeyed', async () => {
    scriptDeviceAuthorization({
      device_code: 'not-a-real-device-code',
      user_code: 'ABCD-\u001b[2JEF\u202eGH',
      verification_uri: `${idp.issuer}/device\u001b]0;owned\u0007`,
      verification_uri_complete: `${idp.issuer}/device?user_code=ABCD-EFGH\u009b`,
      expires_in: 600,
    });
    const output = captureOutput({ isTTY: true, columns: 120 });
    const error = await rejectionOf(new OidcAuth(deviceOptions(idp, { clock, output })).getAccessToken());
    // The real provider does not know the scripted device code.
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(clock.sleeps).toEqual([5_000]);
    const text = output.text();
    expect(text).toContain('ABCD-\\u001b[2JEF\\u202eGH');
    expect(text).toContain(`${idp.issuer}/device\\u001b]0;owned\\u0007\n`);
    expect(text).not.toContain('\u202e');
    expect(text).not.toContain('\u001b[2J');
    expect(text).not.toContain('\u001b]');
    expect(text).not.toContain('\u0007');
    expect(text).not.toContain('\u009b');
  });

  it('a verification link that is not a web page is shown but never opened', async () => {
    scriptDeviceAuthorization({
      device_code: 'not-a-real-device-code',
      user_code: 'ABCD-EFGH',
      verification_uri: `${idp.issuer}/device`,
      verification_uri_complete: 'file:///etc/passwd',
      expires_in: 600,
    });
    const opened: string[] = [];
    await rejectionOf(
      new OidcAuth(
        deviceOptions(idp, {
          clock,
          openUrl: async (url) => {
            opened.push(url);
            return true;
          },
          extra: { env: { BROWSER: 'test-opener' } },
        }),
      ).getAccessToken(),
    );
    expect(opened).toEqual([]);
  });
});

describe('loading by core', () => {
  it('core loads the package through createPlugin and auto picks device where no browser can be shown', async () => {
    const report = await new OidcAuth({
      ...deviceOptions(idp),
      flow: 'auto',
      plugins: [],
      env: { CI: 'true' },
      loadModule: async (specifier) =>
        specifier === '@oidcflow/flow-device' ? flowDevice : nothingInstalled(specifier),
    }).explain();
    expect(report.chosen).toBe('device');
    expect(report.flows.find((flow) => flow.name === 'device')?.reason).toContain(
      'device authorization endpoint',
    );
  });
});
