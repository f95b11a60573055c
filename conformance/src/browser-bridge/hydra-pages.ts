import type { Locator, Page } from 'playwright-core';
import { APP_SELECTORS } from '../targets/hydra/login-consent-app.js';
import type { TestUser } from '../targets/target.js';
import type { ConsentAnswer, PageScript } from './page-script.js';
import { leftOrKnownPage } from './page-wait.js';

/**
 * The pages of the Hydra target: Hydra itself only redirects, the harness's login and
 * consent app (targets/hydra/login-consent-app.ts) shows the forms. Each step waits, with a
 * bound, for the next known page or for the browser to leave both Hydra and the app (the
 * loopback callback).
 */
export interface HydraPageOptions {
  /** Origins of Hydra's public port and of the login and consent app. */
  origins: readonly string[];
  /** Bound on one call. @default 30 000 */
  timeoutMs?: number;
  /** Bound on one wait for the next page. @default 15 000 */
  stepTimeoutMs?: number;
}

type HydraPage = 'login' | 'consent' | 'error' | 'left' | 'other';

const ANY_KNOWN_PAGE = [APP_SELECTORS.loginForm, APP_SELECTORS.consentForm, APP_SELECTORS.errorPage].join(
  ', ',
);
/** Login, consent, and one login page that came back. */
const MAX_STEPS = 4;

export function hydraPageScript(options: HydraPageOptions): PageScript {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const stepTimeoutMs = options.stepTimeoutMs ?? 15_000;
  const origins = new Set(options.origins);

  const completeLogin = async (page: Page, input: { user: TestUser; consent: ConsentAnswer }) => {
    const deadline = Date.now() + timeoutMs;
    let signedIn = false;
    for (let step = 0; step < MAX_STEPS; step += 1) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const current = await nextPage(page, origins, Math.min(stepTimeoutMs, remaining));
      switch (current) {
        case 'login':
          if (signedIn)
            throw new Error(
              `the Hydra login app refused the test user: ${await textOf(page.locator(APP_SELECTORS.feedback))}`,
            );
          signedIn = true;
          await page.locator(APP_SELECTORS.username).fill(input.user.username);
          await page.locator(APP_SELECTORS.password).fill(input.user.password);
          await submitAndWait(page, page.locator(APP_SELECTORS.signIn), stepTimeoutMs);
          break;
        case 'consent': {
          const button = input.consent === 'approve' ? APP_SELECTORS.allow : APP_SELECTORS.deny;
          await submitAndWait(page, page.locator(button), stepTimeoutMs);
          return;
        }
        case 'error':
          throw new Error(`Hydra shows an error: ${await textOf(page.locator(APP_SELECTORS.errorPage))}`);
        case 'left':
          if (input.consent === 'deny')
            throw new Error('Hydra did not ask for consent, so it cannot be refused');
          return;
        case 'other':
          throw new Error(`Hydra showed an unexpected page at ${new URL(page.url()).pathname}`);
      }
    }
    throw new Error(
      `the Hydra pages did not finish within ${timeoutMs} ms (last at ${new URL(page.url()).pathname})`,
    );
  };

  return {
    name: 'hydra',
    completeLogin,
    completeDeviceVerification: async () => {
      throw new Error('Hydra v2.3.0 has no device authorization endpoint, so there is no device page');
    },
  };
}

/** Waits for a known page of the app, or for the browser to have left Hydra and the app. */
async function nextPage(page: Page, origins: ReadonlySet<string>, timeoutMs: number): Promise<HydraPage> {
  const outcome = await leftOrKnownPage(page, (origin) => origins.has(origin), ANY_KNOWN_PAGE, timeoutMs);
  if (outcome !== 'known') return outcome;
  if (await page.locator(APP_SELECTORS.errorPage).isVisible()) return 'error';
  if (await page.locator(APP_SELECTORS.consentForm).isVisible()) return 'consent';
  return 'login';
}

/**
 * Clicks a submit button and waits for the next document. Not "until the form is detached":
 * a refused sign-in answers with the same form again, which a locator would take for the old one.
 */
async function submitAndWait(page: Page, button: Locator, timeoutMs: number) {
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
    timeout: timeoutMs,
  });
  navigated.catch(() => {});
  await button.click({ timeout: timeoutMs });
  await navigated;
  await page.waitForLoadState('domcontentloaded', { timeout: timeoutMs }).catch(() => {});
}

async function textOf(locator: Locator): Promise<string> {
  const text = await locator
    .first()
    .textContent({ timeout: 2_000 })
    .catch(() => null);
  return text?.replace(/\s+/g, ' ').trim() || 'no message shown';
}
