import { createMemoryCache, OidcAuth, silentLogger } from '@oidcflow/core';
import { testBrowserLaunchOptions } from '@oidcflow/test-browser';
import { startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDeviceFlow } from '../src/index.js';
import { captureOutput, DEVICE_GRANT, nothingInstalled } from './support.js';

let idp: TestIdp;
let browser: Browser;
beforeAll(async () => {
  [idp, browser] = await Promise.all([
    startTestIdp({ deviceIntervalSeconds: 1 }),
    testBrowserLaunchOptions().then((options) => chromium.launch(options)),
  ]);
});
afterAll(async () => {
  await Promise.all([browser?.close(), idp?.stop()]);
});

/**
 * What a person does on the IdP's pages: type the code from the prompt, confirm it, sign in,
 * consent. Each page is recognised by what it shows; at most 8 pages.
 */
async function approveDevice(page: Page, verificationUri: string, userCode: string): Promise<void> {
  page.setDefaultTimeout(15_000);
  await page.goto(verificationUri);
  for (let step = 0; step < 8; step++) {
    await page.waitForLoadState();
    if (await page.getByText('Sign-in Success').count()) return;
    // The confirmation page carries the code in a hidden field; only the entry page shows one.
    const codeField = page.locator('input[name=user_code]:not([type=hidden])');
    if (await codeField.count()) {
      await codeField.fill(userCode);
      await page.getByRole('button', { name: 'Continue' }).click();
    } else if (await page.locator('input[name=login]').count()) {
      await page.fill('input[name=login]', idp.user.login);
      await page.fill('input[name=password]', idp.user.password);
      await page.getByRole('button', { name: 'Sign-in' }).click();
    } else {
      // The code confirmation and the consent page both go on with "Continue".
      await page.getByRole('button', { name: 'Continue', exact: true }).click();
    }
  }
  throw new Error(`the IdP pages did not reach "Sign-in Success" (last: ${page.url()})`);
}

it('a person approves the code in a browser, the flow returns tokens, and the next call is served from the cache', async () => {
  const output = captureOutput();
  const context = await browser.newContext();
  // A failure on the IdP pages ends the login at once instead of leaving it polling.
  const stopLogin = new AbortController();
  let driving: Promise<void> | undefined;
  try {
    const options = {
      issuer: idp.issuer,
      clientId: idp.clients.device.clientId,
      scopes: ['openid', 'profile'],
      flow: 'device',
      plugins: [createDeviceFlow(), createMemoryCache()],
      loadModule: nothingInstalled,
      logger: silentLogger,
      // A browser can be shown (BROWSER is set); the openUrl port below is what "opens" it.
      env: { BROWSER: 'playwright' },
      signal: stopLogin.signal,
      ports: {
        output,
        openUrl: async (url: string) => {
          driving = (async () => {
            // The user reads the code from the prompt and types it on the plain verification page.
            const prompt = output.text();
            const userCode = /enter the code: ([A-Z0-9-]+)/.exec(prompt)?.[1];
            const verificationUri = /open this page in a browser on any device:\n {2}(\S+)/.exec(prompt)?.[1];
            if (!userCode || !verificationUri) throw new Error(`no code in the prompt:\n${prompt}`);
            expect(url).toBe(`${verificationUri}?user_code=${userCode}`);
            await approveDevice(await context.newPage(), verificationUri, userCode);
          })();
          driving.catch((error: unknown) => stopLogin.abort(error));
          return true;
        },
      },
    };
    const auth = new OidcAuth(options);
    const login = auth.getTokens();
    // A failure on the IdP pages is the more useful report than the abort it causes.
    await login.catch(() => driving);
    const tokens = await login;
    await driving;
    expect(tokens.accessToken).toBeTruthy();
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.idTokenClaims?.sub).toBe(idp.user.claims.sub);
    expect(idp.requests.tokenRequests(DEVICE_GRANT)).toBeGreaterThanOrEqual(1);
    expect(output.text()).toContain('Login approved.');

    idp.requests.reset();
    expect(await auth.getAccessToken()).toBe(tokens.accessToken);
    expect(idp.requests.count()).toBe(0);
  } finally {
    await context.close();
  }
});
