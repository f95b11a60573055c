// The flow against the embedded IdP, its pages completed with fetch: the protocol checks
// that need no real browser (RFC 9207, replay, fresh PKCE, printed URL, abort, adjustments).
// browser-login.test.ts drives the same flow with Chromium.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryCache, type IdpPlugin, OidcAuth, SPECIFICATION_VERSION } from '@oidcflow/core';
import { completeAuthorizationWithoutBrowser, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuthCodeFlow } from '../src/index.js';
import {
  freePort,
  loginOptions,
  otherLocalAddresses,
  recordingOutput,
  redirectUriOf,
  tryConnect,
  within,
} from './helpers.js';

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp();
});
afterAll(async () => {
  await idp?.stop();
});
beforeEach(() => idp.requests.reset());

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** An opener that completes the IdP's pages with fetch and delivers the redirect, maybe altered. */
function deliverWith(alter: (redirect: URL) => void = () => {}) {
  const deliveries: Array<Promise<Response>> = [];
  const openUrl = async (url: string) => {
    const redirect = new URL(await completeAuthorizationWithoutBrowser(url, idp.user));
    alter(redirect);
    deliveries.push(fetch(redirect));
    return true;
  };
  return { openUrl, delivered: () => Promise.all(deliveries) };
}

const authorizationRequests = () => idp.requests.list({ path: '/auth' });

describe('RFC 9207: the iss authorization response parameter', () => {
  it('is advertised by the test IdP (the premise of these tests)', async () => {
    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });

  for (const [what, alter] of [
    ['without iss', (redirect: URL) => redirect.searchParams.delete('iss')],
    ['with another iss', (redirect: URL) => redirect.searchParams.set('iss', 'http://127.0.0.1:9/evil')],
  ] as const) {
    it(`a response ${what} ends the login with CALLBACK_INVALID, before any token request`, async () => {
      const opener = deliverWith((redirect) => {
        expect(redirect.searchParams.get('iss')).toBe(idp.issuer);
        alter(redirect);
      });
      const auth = new OidcAuth(loginOptions(idp, { ports: { openUrl: opener.openUrl } }));
      await expect(auth.getAccessToken()).rejects.toMatchObject({
        code: 'CALLBACK_INVALID',
        message: expect.stringMatching(/RFC 9207[\s\S]*No token was requested/),
      });
      const [page] = await opener.delivered();
      expect(page?.status).toBe(400);
      expect(await page?.text()).toMatch(/failed a security check/);
      expect(idp.requests.tokenRequests()).toBe(0);
    });
  }

  it('an error response with a wrong iss is not shown as the IdP refusing the login', async () => {
    const opener = deliverWith((redirect) => {
      redirect.searchParams.delete('code');
      redirect.searchParams.set('error', 'access_denied');
      redirect.searchParams.set('iss', 'http://127.0.0.1:9/evil');
    });
    const auth = new OidcAuth(loginOptions(idp, { ports: { openUrl: opener.openUrl } }));
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'CALLBACK_INVALID' });
    await opener.delivered();
  });
});

describe('single use and fresh secrets', () => {
  it('a replayed callback is refused: the next login ignores it and completes with its own', async () => {
    const port = await freePort();
    const redirectUri = `http://127.0.0.1:${port}/callback`;
    let used: URL | undefined;
    const first = deliverWith((redirect) => {
      used = new URL(redirect);
    });
    await new OidcAuth(loginOptions(idp, { redirectUri, ports: { openUrl: first.openUrl } })).getTokens();
    expect((await first.delivered())[0]?.status).toBe(200);
    // After the result the port is closed: a replay reaches nobody.
    await expect(fetch(used as URL)).rejects.toThrow();

    idp.requests.reset();
    const replays: Response[] = [];
    const second = deliverWith();
    const replayFirst = async (url: string) => {
      replays.push(await fetch(used as URL));
      return second.openUrl(url);
    };
    const tokens = await new OidcAuth(
      loginOptions(idp, { redirectUri, forceLogin: true, ports: { openUrl: replayFirst } }),
    ).getTokens();
    expect(tokens.accessToken).toBeTruthy();
    expect(replays[0]?.status).toBe(400);
    expect(await replays[0]?.text()).toMatch(/another state than this login sent/);
    // Only the second login's own code went to the token endpoint.
    expect(idp.requests.tokenRequests('authorization_code')).toBe(1);
    await second.delivered();
  });

  it('two logins use two different PKCE verifiers, states and nonces', async () => {
    for (let login = 0; login < 2; login++) {
      const opener = deliverWith();
      await new OidcAuth(loginOptions(idp, { ports: { openUrl: opener.openUrl } })).getTokens();
      await opener.delivered();
    }
    const [first, second] = authorizationRequests().map((entry) => entry.parameters);
    expect(first?.code_challenge_method).toBe('S256');
    expect(second?.code_challenge_method).toBe('S256');
    expect(first?.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first?.code_challenge).not.toBe(second?.code_challenge);
    expect(first?.state).not.toBe(second?.state);
    expect(first?.nonce).toBeTruthy();
    expect(first?.nonce).not.toBe(second?.nonce);
  });
});

describe('the loopback listener during a real login', () => {
  it('is bound to 127.0.0.1 only: other addresses of this machine refuse the connection', async () => {
    const checked: Record<string, string> = {};
    const opener = deliverWith();
    const openUrl = async (url: string) => {
      const redirect = redirectUriOf(url);
      expect(redirect.hostname).toBe('127.0.0.1');
      const port = Number(redirect.port);
      checked['127.0.0.1'] = await tryConnect('127.0.0.1', port);
      for (const address of otherLocalAddresses()) checked[address] = await tryConnect(address, port);
      return opener.openUrl(url);
    };
    await new OidcAuth(loginOptions(idp, { ports: { openUrl } })).getTokens();
    await opener.delivered();
    expect(checked['127.0.0.1']).toBe('connected');
    const others = Object.entries(checked).filter(([address]) => address !== '127.0.0.1');
    expect(others.length).toBeGreaterThan(0);
    for (const [address, outcome] of others) expect(outcome, address).not.toBe('connected');
  });

  it('an abort stops the login with LOGIN_ABORTED and closes the port', async () => {
    const controller = new AbortController();
    let port = 0;
    const openUrl = async (url: string) => {
      port = Number(redirectUriOf(url).port);
      controller.abort(new Error('Ctrl-C'));
      return true;
    };
    const auth = new OidcAuth(loginOptions(idp, { signal: controller.signal, ports: { openUrl } }));
    await expect(auth.getAccessToken()).rejects.toMatchObject({ code: 'LOGIN_ABORTED' });
    expect(port).toBeGreaterThan(0);
    expect(await tryConnect('127.0.0.1', port)).toBe('ECONNREFUSED');
  });
});

describe('showing the URL', () => {
  it('openBrowser: false prints the URL on the output, never opens a browser, and keeps waiting', async () => {
    const output = recordingOutput();
    let opened = 0;
    const openUrl = async () => {
      opened += 1;
      return true;
    };
    const auth = new OidcAuth(
      loginOptions(idp, { openBrowser: false, callbackTimeoutSeconds: 10, ports: { openUrl, output } }),
    );
    const login = auth.getTokens();
    const [, url] = await within(
      output.waitFor(/Open this URL[^\n]*\n\n {2}(\S+)\n/),
      10_000,
      'the URL printed',
    );
    const callback = await completeAuthorizationWithoutBrowser(url as string, idp.user);
    const page = fetch(callback);
    expect((await login).accessToken).toBeTruthy();
    expect((await page).status).toBe(200);
    expect(opened).toBe(0);
  });

  it('in a headless-looking environment the URL is printed first, and the opener is still called', async () => {
    const output = recordingOutput();
    const opened: string[] = [];
    const opener = deliverWith();
    const openUrl = async (url: string) => {
      opened.push(url);
      return opener.openUrl(url);
    };
    const auth = new OidcAuth(loginOptions(idp, { env: { CI: 'true' }, ports: { openUrl, output } }));
    expect((await auth.getTokens()).accessToken).toBeTruthy();
    await opener.delivered();
    expect(output.text()).toMatch(/No browser may be available here \(running in CI \(CI is set\)\)/);
    expect(opened).toHaveLength(1);
    expect(output.text()).toContain(opened[0]);
  });

  it('an opener that fails makes the URL appear on the output, and the login still completes', async () => {
    const output = recordingOutput();
    const auth = new OidcAuth(
      // BROWSER set: the environment counts as able to show a browser, so only the failure prints.
      loginOptions(idp, {
        env: { BROWSER: 'does-not-matter' },
        ports: { openUrl: async () => false, output },
      }),
    );
    const login = auth.getTokens();
    const [, url] = await within(
      output.waitFor(/could not be opened[^\n]*\n\n {2}(\S+)\n/),
      10_000,
      'the URL printed after the failure',
    );
    expect(output.text()).toMatch(/^Opening the browser to log in at 127\.0\.0\.1:\d+…\n/);
    await fetch(await completeAuthorizationWithoutBrowser(url as string, idp.user));
    expect((await login).accessToken).toBeTruthy();
  });
});

describe('what the authorization request carries', () => {
  it('forceLogin adds prompt=login; audience and IdP-plugin parameters come from the adjustments', async () => {
    const resourceStyle: IdpPlugin = {
      kind: 'idp',
      specificationVersion: SPECIFICATION_VERSION,
      name: 'resource-style',
      matches: () => true,
      audienceParameter: 'resource',
      authorizationParameters: () => ({ ui_locales: 'de', prompt: 'consent' }),
    };
    const audience = idp.resources[0] as string;
    const opener = deliverWith();
    const tokens = await new OidcAuth(
      loginOptions(idp, {
        audience,
        forceLogin: true,
        plugins: [createAuthCodeFlow(), createMemoryCache(), resourceStyle],
        ports: { openUrl: opener.openUrl },
      }),
    ).getTokens();
    await opener.delivered();
    const [authorization] = authorizationRequests().map((entry) => entry.parameters);
    expect(authorization).toMatchObject({ resource: audience, ui_locales: 'de' });
    expect(authorization?.prompt?.split(' ').sort()).toEqual(['consent', 'login']);
    expect(idp.requests.list({ path: '/token' })[0]?.parameters.resource).toBe(audience);
    // The IdP issued a JWT access token for that resource.
    const payload = JSON.parse(
      Buffer.from(tokens.accessToken.split('.')[1] as string, 'base64url').toString(),
    );
    expect(payload.aud).toBe(audience);
  });

  it('authorizationEndpoint overrides the discovered one', async () => {
    let visits = 0;
    const front: Server = createServer((request, response) => {
      visits += 1;
      const search = new URL(request.url ?? '/', 'http://127.0.0.1').search;
      response.writeHead(302, { location: `${idp.issuer}/auth${search}` }).end();
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => front.close(() => resolve())));
    const authorizationEndpoint = `http://127.0.0.1:${(front.address() as AddressInfo).port}/authorize`;
    const opener = deliverWith();
    const openUrl = async (url: string) => {
      if (!url.startsWith(`${authorizationEndpoint}?`)) return false;
      // The test walker stops at the first redirect to another origin, so take this hop here.
      const hop = await fetch(url, { redirect: 'manual' });
      return opener.openUrl(hop.headers.get('location') ?? '');
    };
    const tokens = await new OidcAuth(
      loginOptions(idp, { authorizationEndpoint, ports: { openUrl } }),
    ).getTokens();
    await opener.delivered();
    expect(tokens.accessToken).toBeTruthy();
    expect(visits).toBe(1);
  });
});
