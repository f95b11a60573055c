import type { LoginPageInput, PageScript } from '@oidcflow/conformance/targets';
import {
  FormRefused,
  fillSignIn,
  type KnownPages,
  type PageBounds,
  submitAndWait,
  textOf,
  walkPages,
} from '@oidcflow/conformance/targets';
import type { Page } from 'playwright-core';
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
const LOGIN_REFUSED = 'the Hydra login app refused the test user';

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
            // A login form back without feedback (one with feedback ends the submit's wait).
            if (signedIn)
              throw new FormRefused(LOGIN_REFUSED, await textOf(page.locator(APP_SELECTORS.feedback)));
            signedIn = true;
            await fillSignIn(page, APP_SELECTORS, input.user, input.onSignIn);
            await submitAndWait(
              page,
              page.locator(APP_SELECTORS.signIn),
              { form: APP_SELECTORS.loginForm, refusal: APP_SELECTORS.feedback, refused: LOGIN_REFUSED },
              stepTimeoutMs,
            );
            return 'next';
          case 'consent': {
            const button = input.consent === 'approve' ? APP_SELECTORS.allow : APP_SELECTORS.deny;
            await submitAndWait(page, page.locator(button), APP_SELECTORS.consentForm, stepTimeoutMs);
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
