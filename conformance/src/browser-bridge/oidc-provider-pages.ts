import type { Page } from 'playwright-core';
import type { LoginPageInput, PageScript } from './page-script.js';

const MAX_STEPS = 12;
const SETTLE_MS = 250;

type PageState =
  | 'login'
  | 'consent'
  | 'user-code'
  | 'device-confirm'
  | 'device-done'
  | 'left-idp'
  | 'unknown';

async function bodyText(page: Page): Promise<string> {
  return (
    (await page
      .locator('body')
      .textContent({ timeout: 2_000 })
      .catch(() => '')) ?? ''
  );
}

/** What oidc-provider (its dev interactions, and test-idp's device pages) shows now. */
async function stateOf(page: Page, idpOrigin: string): Promise<PageState> {
  if (new URL(page.url()).origin !== idpOrigin) return 'left-idp';
  if ((await page.locator('input[name=login]').count()) > 0) return 'login';
  if ((await page.locator('input[name=prompt][value=consent]').count()) > 0) return 'consent';
  // The confirmation form carries the code in a hidden field, so it is checked first.
  if ((await page.locator('form[id="op.deviceConfirmForm"]').count()) > 0) return 'device-confirm';
  if ((await page.locator('input[name=user_code]:not([type=hidden])').count()) > 0) return 'user-code';
  const text = await bodyText(page);
  if (/Sign-in Success|request was interrupted|oops! something went wrong/.test(text)) return 'device-done';
  return 'unknown';
}

async function clickAndWait(page: Page, action: () => Promise<void>): Promise<void> {
  await action();
  await page.waitForLoadState('domcontentloaded');
}

/**
 * Walks oidc-provider's pages as the user would: sign in, answer consent (Continue, or the
 * "[ Cancel ]" link that gives `access_denied`), and for the device flow enter or confirm the
 * code ("Continue" or "[ Abort ]"). Stops when the browser leaves the IdP or the device flow
 * shows its last page.
 */
async function walk(
  page: Page,
  input: LoginPageInput & { userCode?: string },
  done: (state: PageState) => boolean,
): Promise<void> {
  const idpOrigin = new URL(page.url()).origin;
  let unknownSince: number | undefined;
  for (let step = 0; step < MAX_STEPS * 8; step++) {
    const state = await stateOf(page, idpOrigin);
    if (done(state)) return;
    if (state !== 'unknown') unknownSince = undefined;
    switch (state) {
      case 'login':
        input.onSignIn?.({
          username: await page.locator('input[name=login]').first().inputValue(),
          usernameEditable: true,
        });
        await page.fill('input[name=login]', input.user.username);
        await page.fill('input[name=password]', input.user.password);
        await clickAndWait(page, () => page.getByRole('button', { name: 'Sign-in' }).click());
        break;
      case 'consent':
        if (input.consent === 'deny')
          await clickAndWait(page, () => page.getByRole('link', { name: '[ Cancel ]' }).click());
        else await clickAndWait(page, () => page.getByRole('button', { name: 'Continue' }).click());
        break;
      case 'user-code':
        if (!input.userCode) throw new Error('the device page asks for a user code and none was given');
        await page.fill('input[name=user_code]', input.userCode);
        await clickAndWait(page, () => page.getByRole('button', { name: 'Continue' }).click());
        break;
      case 'device-confirm':
        if (input.consent === 'deny')
          await clickAndWait(page, () => page.getByRole('button', { name: '[ Abort ]' }).click());
        else
          await clickAndWait(page, () => page.getByRole('button', { name: 'Continue', exact: true }).click());
        break;
      default: {
        // A redirect or a page still loading; give it a moment, but not forever.
        unknownSince ??= Date.now();
        if (Date.now() - unknownSince > 15_000) {
          const text = (await bodyText(page)).slice(0, 200);
          throw new Error(`unexpected page at ${new URL(page.url()).pathname}: ${text.replace(/\s+/g, ' ')}`);
        }
        await page.waitForTimeout(SETTLE_MS);
      }
    }
  }
  throw new Error(`the oidc-provider pages did not finish within ${MAX_STEPS} steps`);
}

/** The page script of oidc-provider's default pages (and @oidcflow/test-idp's device pages). */
export const oidcProviderPages: PageScript = {
  name: 'oidc-provider',
  reportsSignInPages: true,
  async completeLogin(page, input) {
    await walk(page, input, (state) => state === 'left-idp');
  },
  async completeDeviceVerification(page, input) {
    await walk(page, input, (state) => state === 'device-done' || state === 'left-idp');
  },
};
