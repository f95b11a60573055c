import type { Page } from 'playwright-core';
import type { TestUser } from '../targets/target.js';
import type { ConsentAnswer, PageScript } from './page-script.js';

const MAX_ACTIONS = 10;
const APPROVE = /^(allow|accept|approve|authorize|authorise|continue|confirm|yes|grant access|submit)$/i;
const DENY = /^(deny|decline|cancel|no|reject|abort|\[ ?abort ?\]|\[ ?cancel ?\])$/i;
const SIGN_IN = /^(sign[ -]?in|log[ -]?in|next|continue|submit)$/i;

async function visible(page: Page, selector: string): Promise<boolean> {
  return page
    .locator(selector)
    .first()
    .isVisible()
    .catch(() => false);
}

async function clickFirst(page: Page, pattern: RegExp): Promise<boolean> {
  for (const role of ['button', 'link'] as const) {
    const candidate = page.getByRole(role, { name: pattern }).first();
    if (await candidate.isVisible().catch(() => false)) {
      await candidate.click();
      await page.waitForLoadState('domcontentloaded');
      return true;
    }
  }
  return false;
}

async function act(
  page: Page,
  input: { user: TestUser; consent: ConsentAnswer; userCode?: string },
): Promise<boolean> {
  if (input.userCode && (await visible(page, 'input[name=user_code], input[name=code], input[name=otc]'))) {
    await page
      .locator('input[name=user_code], input[name=code], input[name=otc]')
      .first()
      .fill(input.userCode);
    return clickFirst(page, SIGN_IN);
  }
  if (await visible(page, 'input[type=password]')) {
    const name = page
      .locator('input[type=email], input[name=username], input[name=login], input[type=text]')
      .first();
    if (await name.isVisible().catch(() => false)) await name.fill(input.user.username);
    await page.locator('input[type=password]').first().fill(input.user.password);
    return clickFirst(page, SIGN_IN);
  }
  if (await visible(page, 'input[type=email], input[name=username]')) {
    // IdPs that ask for the name first and the password on the next page.
    await page.locator('input[type=email], input[name=username]').first().fill(input.user.username);
    return clickFirst(page, SIGN_IN);
  }
  return clickFirst(page, input.consent === 'deny' ? DENY : APPROVE);
}

/**
 * A best-effort script for an IdP whose pages the harness does not know: fills a user
 * name and password, enters a device code, then clicks the button that reads like approve
 * (or deny). A pipeline with unusual pages gives its own script (OIDCFLOW_EXTERNAL_PAGES).
 */
export function genericPages(idpOrigin: string): PageScript {
  const walk = async (
    page: Page,
    input: { user: TestUser; consent: ConsentAnswer; userCode?: string },
    deviceDone: boolean,
  ) => {
    for (let step = 0; step < MAX_ACTIONS; step++) {
      await page.waitForLoadState('domcontentloaded');
      if (new URL(page.url()).origin !== idpOrigin) return;
      const acted = await act(page, input);
      if (!acted) {
        if (deviceDone) return;
        await page.waitForTimeout(500);
      }
    }
  };
  return {
    name: 'generic',
    completeLogin: (page, input) => walk(page, input, false),
    completeDeviceVerification: (page, input) => walk(page, input, true),
  };
}
