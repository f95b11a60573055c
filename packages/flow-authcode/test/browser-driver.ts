import { testBrowserLaunchOptions } from '@oidcflow/test-browser';
import type { TestIdp } from '@oidcflow/test-idp';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * The test browser (OIDCFLOW_CHROMIUM, a system Chrome/Chromium/Edge, else the npm package's
 * Chromium; OIDCFLOW_BROWSER forces one), headless, with nothing that talks to the network by itself.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch(await testBrowserLaunchOptions());
}

function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
}

/**
 * A fresh browser context (no cookies from another test) that lets nothing leave the machine:
 * oidc-provider's dev pages @import a web font, which would only slow the tests down.
 */
export async function isolatedContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 800, height: 500 } });
  // Well under the logins' callbackTimeoutSeconds, so a missing element fails the test first.
  context.setDefaultTimeout(10_000);
  await context.route(
    (url) => !isLoopback(url),
    (route) => route.abort(),
  );
  return context;
}

export type Decision = 'approve' | 'deny' | 'abandon';

/**
 * Does in `page` what a person does at the test IdP: sign in, then approve or cancel the
 * consent. `abandon` stops at the sign-in page. Returns once the last click was made; the
 * redirect to the listener may still be in flight.
 */
export async function completeIdpPages(page: Page, idp: TestIdp, decision: Decision): Promise<void> {
  await page.locator('input[name=login]').fill(idp.user.login);
  if (decision === 'abandon') return;
  await page.locator('input[name=password]').fill(idp.user.password);
  await page.getByRole('button', { name: 'Sign-in' }).click();
  if (decision === 'deny') await page.getByRole('link', { name: '[ Cancel ]' }).click();
  else await page.getByRole('button', { name: 'Continue' }).click();
}

export interface BrowserOpener {
  /** The `ports.openUrl` to give OidcAuth. */
  openUrl(url: string): Promise<boolean>;
  /** Pages opened so far, in order. */
  readonly pages: Page[];
  /** Rejects when the opener failed (a selector not found, …), so a test fails at once, not at its timeout. */
  readonly failed: Promise<never>;
  /** Resolves once every opener call has finished its clicks. */
  settled(): Promise<void>;
}

/**
 * An `openUrl` port that opens the URL in a new Playwright page and answers the IdP's pages.
 * `before` runs in the page first (to send a forged callback, say).
 */
export function browserOpener(
  browser: Browser,
  idp: TestIdp,
  decision: Decision,
  before?: (page: Page, url: string) => Promise<void>,
): BrowserOpener & { contexts: BrowserContext[] } {
  const pages: Page[] = [];
  const contexts: BrowserContext[] = [];
  const runs: Array<Promise<void>> = [];
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});
  return {
    pages,
    contexts,
    failed,
    settled: async () => {
      await Promise.all(runs);
    },
    async openUrl(url) {
      const run = (async () => {
        const context = await isolatedContext(browser);
        contexts.push(context);
        const page = await context.newPage();
        pages.push(page);
        if (before) await before(page, url);
        await page.goto(url);
        await completeIdpPages(page, idp, decision);
      })();
      runs.push(run.catch(() => {}));
      try {
        await run;
        return true;
      } catch (error) {
        fail(error);
        throw error;
      }
    },
  };
}

/** Waits until `page` shows one of the listener's result pages and returns its heading. */
export async function resultHeading(page: Page): Promise<string> {
  const heading = page.locator('main h1');
  await heading.waitFor({ timeout: 15_000 });
  return (await heading.textContent()) ?? '';
}
