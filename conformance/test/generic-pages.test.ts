// The generic page script on pages it was not written for, served by a real HTTP server and
// driven in the test browser: it must sign in where the password input has no `type`, and
// fail fast, with what the page shows, where it cannot go on.
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { BrowserProvider, BrowserSession } from '../src/browser-bridge/browser-provider.js';
import { launchChromium } from '../src/browser-bridge/chromium.js';
import { genericPageScript } from '../src/browser-bridge/generic-pages.js';
import { PageScriptFailure } from '../src/browser-bridge/page-evidence.js';
import { type FormPagesServer, startFormPagesServer } from './support/form-pages-server.js';

const browserRequired = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('browser');
const user = { username: 'ada@example.test', password: 'correct horse battery' };
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

let browser: BrowserProvider;
let server: FormPagesServer | undefined;
let session: BrowserSession | undefined;

beforeAll(async () => {
  browser = await launchChromium();
}, 90_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await session?.close();
  await server?.close();
  session = undefined;
  server = undefined;
});

async function open(context: TestContext, options: Parameters<typeof startFormPagesServer>[0]) {
  if (browser.unavailableReason) {
    if (browserRequired) throw new Error(`required by OIDCFLOW_REQUIRE: ${browser.unavailableReason}`);
    context.skip(browser.unavailableReason);
  }
  server = await startFormPagesServer(options);
  session = await browser.newSession({ allowedHosts: ['127.0.0.1'] });
  return { server, page: await session.newPage() };
}

async function failureOf(run: Promise<void>): Promise<PageScriptFailure> {
  const error = await run.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(PageScriptFailure);
  return error as PageScriptFailure;
}

describe('the generic page script', () => {
  it('signs in where the password input has no type attribute, and approves consent', async (context) => {
    const { server, page } = await open(context, { user });
    await page.goto(server.authorizationUrl('s1'));
    await genericPageScript().completeLogin(page, { user, consent: 'approve' });

    expect(server.signIns).toEqual([{ username: user.username, passwordMatched: true }]);
    expect(server.callbacks).toHaveLength(1);
    expect(server.callbacks[0]?.searchParams.get('code')).toBe('example-code');
    expect(server.callbacks[0]?.searchParams.get('state')).toBe('s1');
  });

  it('refuses consent with the button that reads "Deny"', async (context) => {
    const { server, page } = await open(context, { user });
    await page.goto(server.authorizationUrl('s2'));
    await genericPageScript().completeLogin(page, { user, consent: 'deny' });
    expect(server.callbacks[0]?.searchParams.get('error')).toBe('access_denied');
  });

  it('fails, saying so, when asked to refuse consent and the IdP shows no consent page', async (context) => {
    const { server, page } = await open(context, { user, consentRemembered: true });
    await page.goto(server.authorizationUrl('s5'));
    const failure = await failureOf(genericPageScript().completeLogin(page, { user, consent: 'deny' }));
    expect(failure.message).toContain(
      'asked to refuse consent, but the login finished without a consent page',
    );
    expect(failure.evidence.url).toBe(`${server.callbackOrigin}/callback`);
  });

  it('enters the device code in a field known by its label and placeholder, signs in and approves', async (context) => {
    const { server, page } = await open(context, { user });
    await page.goto(server.verificationUrl);
    await genericPageScript().completeDeviceVerification(page, {
      user,
      consent: 'approve',
      userCode: server.userCode,
    });
    expect(server.deviceCodes).toEqual([server.userCode]);
    expect(server.signIns).toEqual([{ username: user.username, passwordMatched: true }]);
    expect(await page.locator('h1').textContent()).toBe('Device connected');
  });

  it('fails at once, with the page’s error text, URL and a screenshot, when the sign-in form comes back', async (context) => {
    const { server, page } = await open(context, { user: { ...user, password: 'something else' } });
    await page.goto(server.authorizationUrl('s3'));
    const started = Date.now();
    const failure = await failureOf(genericPageScript().completeLogin(page, { user, consent: 'approve' }));
    const elapsedMs = Date.now() - started;

    expect(elapsedMs).toBeLessThan(15_000);
    expect(server.signIns).toHaveLength(1);
    expect(failure.message).toContain('the sign-in form came back after the script signed in');
    expect(failure.message).toContain('Incorrect email or password.');
    expect(failure.evidence.url).toBe(`${server.origin}/login`);
    expect(failure.evidence.visibleText).toBe('shows: Incorrect email or password.');
    expect([...(failure.evidence.screenshot ?? []).slice(0, 4)]).toEqual(PNG_SIGNATURE);
    // The password never reaches the message.
    expect(failure.message).not.toContain(user.password);
    console.info(`stuck sign-in form reported in ${elapsedMs} ms`);
  });

  it('fails within 15 s with the page’s text when a submit does not move the page', async (context) => {
    const { server, page } = await open(context, { user, loginBehaviour: 'submit-ignored' });
    await page.goto(server.authorizationUrl('s4'));
    const started = Date.now();
    // The default step bound (8 s), as a cell gets it.
    const failure = await failureOf(genericPageScript().completeLogin(page, { user, consent: 'approve' }));
    const elapsedMs = Date.now() - started;

    expect(elapsedMs).toBeLessThan(15_000);
    expect(server.signIns).toHaveLength(0);
    expect(failure.message).toContain('the page did not move within 8 s after the script signed in');
    expect(failure.message).toContain('Our sign-in service is unavailable right now.');
    expect(failure.evidence.url).toBe(`${server.origin}/authorize`);
    expect(failure.evidence.screenshot?.length).toBeGreaterThan(1_000);
    // The password sat in plain text (no type=password): it was emptied before the screenshot.
    expect(await page.locator('#secret').inputValue()).toBe('');
    expect(await page.locator('#who').inputValue()).toBe(user.username);
    console.info(`page that did not move reported in ${elapsedMs} ms`);
  });

  it('fails with the page’s text when the device code is refused', async (context) => {
    const { server, page } = await open(context, { user });
    await page.goto(server.verificationUrl);
    const failure = await failureOf(
      genericPageScript({ stepTimeoutMs: 3_000 }).completeDeviceVerification(page, {
        user,
        consent: 'approve',
        userCode: 'AAAA-BBBB',
      }),
    );
    expect(failure.message).toContain('the user code form came back');
    expect(failure.message).toContain('That code is not valid.');
  });
});
