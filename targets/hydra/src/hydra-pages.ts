import type { LoginPageInput, PageScript } from '@oidcflow/conformance/targets';
import {
  fillSignIn,
  type KnownPages,
  type PageBounds,
  textOf,
  walkPages,
} from '@oidcflow/conformance/targets';
import type { Locator, Page } from 'playwright-core';
import { APP_SELECTORS } from './login-consent-app.js';

/**
 * The pages of the Hydra target: Hydra itself only redirects, the harness's login and
 * consent app (login-consent-app.ts) shows the forms. Each step waits, with a
 * bound, for the next known page or for the browser to leave both Hydra and the app (the
 * loopback callback).
 */
export interface HydraPageOptions extends PageBounds {
  /** Origins of Hydra's public port and of the login and consent app. */
  origins: readonly string[];
}

type HydraPage = 'login' | 'consent' | 'error';

/** In the order they are told apart; `login` when none is visible any more. */
const PAGES: KnownPages<HydraPage> = [
  ['error', APP_SELECTORS.errorPage],
  ['consent', APP_SELECTORS.consentForm],
  ['login', APP_SELECTORS.loginForm],
];
/** Login, consent, and one login page that came back. */
const MAX_STEPS = 4;

export function hydraPageScript(options: HydraPageOptions): PageScript {
  const origins = new Set(options.origins);

  const completeLogin = (page: Page, input: LoginPageInput) => {
    let signedIn = false;
    return walkPages(page, options, {
      idp: 'Hydra',
      maxSteps: MAX_STEPS,
      isIdpOrigin: (origin) => origins.has(origin),
      pages: PAGES,
      answer: async (current, stepTimeoutMs) => {
        switch (current) {
          case 'login':
            if (signedIn)
              throw new Error(
                `the Hydra login app refused the test user: ${await textOf(page.locator(APP_SELECTORS.feedback))}`,
              );
            signedIn = true;
            await fillSignIn(page, APP_SELECTORS, input.user, input.onSignIn);
            await submitAndWaitForDocument(page, page.locator(APP_SELECTORS.signIn), stepTimeoutMs);
            return 'next';
          case 'consent': {
            const button = input.consent === 'approve' ? APP_SELECTORS.allow : APP_SELECTORS.deny;
            await submitAndWaitForDocument(page, page.locator(button), stepTimeoutMs);
            return 'done';
          }
          case 'error':
            throw new Error(`Hydra shows an error: ${await textOf(page.locator(APP_SELECTORS.errorPage))}`);
          case 'left':
            if (input.consent === 'deny')
              throw new Error('Hydra did not ask for consent, so it cannot be refused');
            return 'done';
          case 'other':
            throw new Error(`Hydra showed an unexpected page at ${new URL(page.url()).pathname}`);
        }
      },
    });
  };

  return {
    name: 'hydra',
    reportsSignInPages: true,
    completeLogin,
    completeDeviceVerification: async () => {
      throw new Error('Hydra v2.3.0 has no device authorization endpoint, so there is no device page');
    },
  };
}

/**
 * Clicks a submit button and waits for the next document. Not "until the form is detached":
 * a refused sign-in answers with the same form again, which a locator would take for the old one.
 */
async function submitAndWaitForDocument(page: Page, button: Locator, timeoutMs: number) {
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
    timeout: timeoutMs,
  });
  navigated.catch(() => {});
  await button.click({ timeout: timeoutMs });
  await navigated;
  await page.waitForLoadState('domcontentloaded', { timeout: timeoutMs }).catch(() => {});
}
