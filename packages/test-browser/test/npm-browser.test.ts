// The npm package's Chromium, forced (OIDCFLOW_BROWSER=npm), signs in at the test IdP: the
// fallback a fresh Linux machine without a system browser gets from `pnpm install`.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NATIVE_CLIENT_ID, startTestIdp, type TestIdp } from '@oidcflow/test-idp';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findTestBrowser } from '../src/find-browser.js';
import { npmChromiumPackage, npmChromiumRunsHere } from '../src/npm-chromium.js';

const runsHere = npmChromiumRunsHere();
const required = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('browser');

let idp: TestIdp | undefined;
let browser: Browser | undefined;
let client: Server | undefined;
const callbacks: URL[] = [];
afterAll(async () => {
  await Promise.all([
    browser?.close(),
    idp?.stop(),
    new Promise((resolve) => (client ? client.close(resolve) : resolve(undefined))),
  ]);
});
beforeAll(async () => {
  if (!runsHere) return;
  idp = await startTestIdp();
  // The client's loopback redirect_uri: records the callback, answers a plain page.
  client = createServer((request, response) => {
    callbacks.push(new URL(request.url ?? '/', 'http://127.0.0.1'));
    response.end('signed in');
  });
  await new Promise<void>((resolve) => client?.listen(0, '127.0.0.1', resolve));
});

it.skipIf(!runsHere && !required)(
  'OIDCFLOW_BROWSER=npm launches the npm package’s Chromium, which signs in at the test IdP',
  async () => {
    const found = await findTestBrowser({ env: { ...process.env, OIDCFLOW_BROWSER: 'npm' } });
    if (!found.found) throw new Error(found.reason);
    expect(found.source).toBe('npm');
    expect(found.launchOptions.env?.LD_LIBRARY_PATH).toMatch(/npm-chromium\/.+\/al2023\/lib/);
    const started = Date.now();
    browser = await chromium.launch({ ...found.launchOptions, timeout: 30_000 });
    const launchMs = Date.now() - started;
    // The package's major version is its Chromium's (153.0.0 ships Chromium 153).
    const major = npmChromiumPackage()?.version.split('.')[0];
    expect(browser.version().split('.')[0]).toBe(major);

    const server = idp as TestIdp;
    const verifier = randomBytes(32).toString('base64url');
    const redirectUri = `http://127.0.0.1:${((client as Server).address() as AddressInfo).port}/callback`;
    const authorization = new URL(`${server.issuer}/auth`);
    authorization.search = new URLSearchParams({
      client_id: NATIVE_CLIENT_ID,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 'npm-browser',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();

    const context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    // Nothing leaves the machine (oidc-provider's pages import a web font).
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
    const page = await context.newPage();
    await page.goto(authorization.href);
    await page.locator('input[name=login]').fill(server.user.login);
    await page.locator('input[name=password]').fill(server.user.password);
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.href.startsWith(redirectUri));
    expect(await page.locator('body').textContent()).toBe('signed in');
    await context.close();

    const code = callbacks[0]?.searchParams.get('code');
    expect(code).toBeTruthy();
    const token = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: NATIVE_CLIENT_ID,
        code: code as string,
        redirect_uri: redirectUri,
        code_verifier: verifier,
      }),
    });
    expect(token.status).toBe(200);
    expect(((await token.json()) as { id_token?: string }).id_token).toBeTypeOf('string');
    console.log(`npm Chromium ${browser.version()} launched in ${launchMs} ms (${found.description})`);
  },
);
