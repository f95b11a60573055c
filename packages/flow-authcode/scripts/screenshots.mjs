#!/usr/bin/env node
// Regenerates docs/flow-authcode/success.png and error.png: two real logins against the
// embedded test IdP in the test browser (one approved, one cancelled at the consent page),
// photographing the result pages the loopback listener serves. Run after a build:
//   pnpm --filter @oidcflow/flow-authcode screenshots
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createMemoryCache, OidcAuth, silentLogger } from '@oidcflow/core';
import { testBrowserLaunchOptions } from '@oidcflow/test-browser';
import { startTestIdp } from '@oidcflow/test-idp';
import { chromium } from 'playwright-core';
import { createAuthCodeFlow } from '../dist/index.js';

const outputDirectory = fileURLToPath(new URL('../../../docs/flow-authcode/', import.meta.url));
const VIEWPORT = { width: 800, height: 500 };

const isLoopback = (url) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/** One login in a fresh browser context; resolves once the result page was photographed. */
async function photographLogin(browser, idp, decision, file) {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  context.setDefaultTimeout(15_000);
  // Nothing leaves the machine (oidc-provider's dev pages @import a web font).
  await context.route(
    (url) => !isLoopback(url),
    (route) => route.abort(),
  );
  let photographed;
  const openUrl = (url) => {
    photographed = (async () => {
      const page = await context.newPage();
      await page.goto(url);
      await page.locator('input[name=login]').fill(idp.user.login);
      await page.locator('input[name=password]').fill(idp.user.password);
      await page.getByRole('button', { name: 'Sign-in' }).click();
      if (decision === 'deny') await page.getByRole('link', { name: '[ Cancel ]' }).click();
      else await page.getByRole('button', { name: 'Continue' }).click();
      await page.locator('main h1').waitFor();
      await page.screenshot({ path: `${outputDirectory}${file}` });
    })();
    return photographed.then(() => true);
  };
  const auth = new OidcAuth({
    issuer: idp.issuer,
    clientId: idp.clients.native.clientId,
    scopes: ['openid', 'profile'],
    flow: 'auth_code',
    plugins: [createAuthCodeFlow(), createMemoryCache()],
    callbackPort: 0,
    callbackTimeoutSeconds: 30,
    logger: silentLogger,
    env: {},
    ports: { openUrl, output: { write: () => true } },
  });
  try {
    const outcome = await auth.getTokens().then(
      () => 'tokens',
      (error) => error.code ?? String(error),
    );
    await photographed;
    const expected = decision === 'deny' ? 'LOGIN_DENIED' : 'tokens';
    if (outcome !== expected) throw new Error(`the ${decision} login ended with ${outcome}, not ${expected}`);
    process.stdout.write(`wrote ${outputDirectory}${file}\n`);
  } finally {
    await context.close();
  }
}

await mkdir(outputDirectory, { recursive: true });
const idp = await startTestIdp();
const browser = await chromium.launch(await testBrowserLaunchOptions());
try {
  await photographLogin(browser, idp, 'approve', 'success.png');
  await photographLogin(browser, idp, 'deny', 'error.png');
} finally {
  await browser.close();
  await idp.stop();
}
