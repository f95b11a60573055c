// Browser logins with the system Chromium (Playwright) against the embedded IdP: the flow
// as a user meets it, through the same `openUrl` port a user's BROWSER goes through.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OidcAuth, type OidcAuthOptions, OidcflowError } from '@oidcflow/core';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import type { Browser, Response as PageResponse } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type BrowserOpener,
  browserOpener,
  type Decision,
  launchChromium,
  resultHeading,
} from './browser-driver.js';
import { freePort, loginOptions, tryConnect } from './helpers.js';

let idp: TestIdp;
let browser: Browser;
beforeAll(async () => {
  [idp, browser] = await Promise.all([startTestIdp(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await idp?.stop();
});
beforeEach(() => idp.requests.reset());

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function opener(decision: Decision, before?: Parameters<typeof browserOpener>[3]): BrowserOpener {
  const created = browserOpener(browser, idp, decision, before);
  cleanups.push(async () => {
    await created.settled();
    await Promise.all(created.contexts.map((context) => context.close()));
  });
  return created;
}

/** Runs a login with the browser opener; a failing opener fails the test at once. */
function login(driver: BrowserOpener, extra: Partial<OidcAuthOptions> = {}) {
  const auth = new OidcAuth(
    loginOptions(idp, { ...extra, ports: { openUrl: driver.openUrl, ...extra.ports } }),
  );
  return Promise.race([auth.getTokens(), driver.failed]);
}

async function loginError(
  driver: BrowserOpener,
  extra: Partial<OidcAuthOptions> = {},
): Promise<OidcflowError> {
  const error = await login(driver, extra).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!OidcflowError.isInstance(error)) throw new Error(`expected an OidcflowError, got ${String(error)}`);
  return error;
}

const authorizationParameters = () => idp.requests.list({ path: '/auth' })[0]?.parameters ?? {};

describe('browser login with the authorization code flow', () => {
  it('a full login returns tokens, shows the success page and closes the port', async () => {
    const driver = opener('approve');
    const tokens = await login(driver, { scopes: ['openid', 'profile', 'email'] });
    expect(tokens.accessToken).toBeTruthy();
    expect(tokens.tokenType.toLowerCase()).toBe('bearer');
    expect(tokens.refreshToken).toBeTruthy(); // the test IdP issues one to every client allowed the grant
    expect(tokens.idToken).toBeTruthy();
    expect(tokens.idTokenClaims).toMatchObject({ sub: idp.user.claims.sub, iss: idp.issuer });
    expect(tokens.idTokenClaims?.nonce).toBe(authorizationParameters().nonce);
    expect(authorizationParameters()).toMatchObject({
      client_id: idp.clients.native.clientId,
      response_type: 'code',
      code_challenge_method: 'S256',
      scope: 'openid profile email',
    });
    const page = driver.pages[0]!;
    expect(await resultHeading(page)).toBe('Login succeeded');
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
    expect(await tryConnect('127.0.0.1', Number(new URL(page.url()).port))).toBe('ECONNREFUSED');
    expect(idp.requests.tokenRequests('authorization_code')).toBe(1);
  });

  it('the result page is self-contained and sent with Referrer-Policy: no-referrer', async () => {
    const requested: string[] = [];
    const pageResponses: Array<Promise<PageResponse | null>> = [];
    const driver = opener('approve', async (page) => {
      page.on('request', (request) => requested.push(request.url()));
      pageResponses.push(page.waitForResponse((response) => /\/callback\?/.test(response.url())));
    });
    await login(driver);
    const response = await pageResponses[0];
    expect(response?.status()).toBe(200);
    const headers = response?.headers() ?? {};
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(await resultHeading(driver.pages[0]!)).toBe('Login succeeded');
    // Nothing after the callback but, perhaps, the favicon the browser asks for on its own.
    const afterCallback = requested.slice(requested.findIndex((url) => /\/callback\?/.test(url)) + 1);
    expect(afterCallback.filter((url) => !url.endsWith('/favicon.ico'))).toEqual([]);
  });

  it('consent denied: LOGIN_DENIED with the IdP’s description, shown escaped on the failure page', async () => {
    const driver = opener('deny');
    const error = await loginError(driver);
    expect(error.code).toBe('LOGIN_DENIED');
    expect(error.oauthError).toBe('access_denied');
    expect(error.oauthErrorDescription).toBeTruthy();
    expect(error.message).toContain(error.oauthErrorDescription as string);
    const page = driver.pages[0]!;
    expect(await resultHeading(page)).toBe('Login failed');
    expect(await page.locator('pre').textContent()).toBe(`access_denied: ${error.oauthErrorDescription}`);
    expect(idp.requests.tokenRequests()).toBe(0);
  });

  it('a callback with a wrong state is refused with a 400 page while the right one still completes', async () => {
    let forged: PageResponse | null = null;
    const driver = opener('approve', async (page, url) => {
      const redirectUri = new URL(url).searchParams.get('redirect_uri') as string;
      forged = await page.goto(
        `${redirectUri}?code=stolen&state=forged&iss=${encodeURIComponent(idp.issuer)}`,
      );
      expect(await resultHeading(page)).toBe('This is not the expected login response');
    });
    const tokens = await login(driver);
    expect(tokens.accessToken).toBeTruthy();
    expect(forged!.status()).toBe(400);
    expect(await resultHeading(driver.pages[0]!)).toBe('Login succeeded');
    expect(idp.requests.tokenRequests('authorization_code')).toBe(1);
  });

  it('a login not finished in callbackTimeoutSeconds is LOGIN_TIMEOUT, and the port is closed', async () => {
    const driver = opener('abandon');
    const error = await loginError(driver, { callbackTimeoutSeconds: 2 });
    expect(error.code).toBe('LOGIN_TIMEOUT');
    expect(error.message).toMatch(/within 2 seconds[\s\S]*callbackTimeoutSeconds/);
    const port = Number(new URL(authorizationParameters().redirect_uri as string).port);
    expect(await tryConnect('127.0.0.1', port)).toBe('ECONNREFUSED');
    expect(idp.requests.tokenRequests()).toBe(0);
  });

  it('a busy port is CALLBACK_PORT_IN_USE naming the port and the option, before any browser opens', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as AddressInfo).port;
    const driver = opener('approve');
    const error = await loginError(driver, { callbackPort: port });
    expect(error.code).toBe('CALLBACK_PORT_IN_USE');
    expect(error.message).toContain(`Port ${port}`);
    expect(error.message).toContain('callbackPort');
    expect(driver.pages).toHaveLength(0);
  });

  it('pkce: false with the confidential client: no PKCE parameters, the secret authenticates the exchange', async () => {
    const { clientId, clientSecret } = idp.clients.confidentialWeb;
    const tokens = await login(opener('approve'), { clientId, clientSecret, pkce: false });
    expect(tokens.accessToken).toBeTruthy();
    expect(tokens.idTokenClaims?.aud).toBe(clientId);
    const authorization = authorizationParameters();
    expect(authorization.code_challenge).toBeUndefined();
    expect(authorization.code_challenge_method).toBeUndefined();
    const [exchange] = idp.requests.list({ path: '/token', grantType: 'authorization_code' });
    expect(exchange?.clientId).toBe(clientId);
    expect(exchange?.parameters.code_verifier).toBeUndefined();
  });

  it('callbackPort: 0 sends a redirect URI with the port the OS chose', async () => {
    const driver = opener('approve');
    await login(driver, { callbackPort: 0 });
    expect(await resultHeading(driver.pages[0]!)).toBe('Login succeeded');
    const redirectUri = new URL(authorizationParameters().redirect_uri as string);
    expect(redirectUri.hostname).toBe('127.0.0.1');
    expect(redirectUri.pathname).toBe('/callback');
    expect(Number(redirectUri.port)).toBeGreaterThan(0);
    expect(new URL(driver.pages[0]!.url()).port).toBe(redirectUri.port);
  });

  it('an explicit redirectUri is sent as given and sets the port the listener binds', async () => {
    // The test IdP registers http://127.0.0.1/callback (any port): the path must stay /callback.
    // Other paths are covered by the callbackTarget unit tests.
    const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
    const driver = opener('approve');
    const tokens = await login(driver, { redirectUri, callbackPort: 1 });
    expect(tokens.accessToken).toBeTruthy();
    expect(authorizationParameters().redirect_uri).toBe(redirectUri);
    expect(await resultHeading(driver.pages[0]!)).toBe('Login succeeded');
    expect(driver.pages[0]!.url().startsWith(`${redirectUri}?`)).toBe(true);
  });
});
