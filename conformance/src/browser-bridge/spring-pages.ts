import type { Locator, Page } from 'playwright-core';
import type { TestUser } from '../targets/target.js';
import type { ConsentAnswer, PageScript } from './page-script.js';
import { leftOrKnownPage } from './page-wait.js';

/**
 * The pages of the harness's Spring Authorization Server (conformance/spring-as), as the browser
 * sees them: Spring Security's generated login page, Spring AS's own consent page (one checkbox
 * per scope that needs consent; "Cancel" empties them and submits, which Spring AS answers with
 * access_denied), and the server's device pages (enter the code, "device activated").
 */
const SELECTORS = {
  loginForm: 'form:has(input[name=password])',
  username: 'input[name=username]',
  password: 'input[name=password]',
  loginSubmit: 'form:has(input[name=password]) button[type=submit]',
  loginError: '.alert-danger, .alert.alert-danger',
  consentForm: 'form[name=consent_form]',
  consentScopes: 'form[name=consent_form] input[type=checkbox][name=scope]:not([disabled])',
  consentApprove: '#submit-consent',
  consentDeny: '#cancel-consent',
  deviceForm: 'form#device-activate',
  deviceCode: 'input#user_code',
  deviceSubmit: 'button#activate',
  deviceActivated: '#device-activated',
  // Spring Boot's error page (a refused device consent ends there with 400).
  error: 'body:has-text("Whitelabel Error Page")',
} as const;

const ANY_KNOWN_PAGE = [
  SELECTORS.loginForm,
  SELECTORS.consentForm,
  SELECTORS.deviceForm,
  SELECTORS.deviceActivated,
  SELECTORS.error,
].join(', ');

/** Login, device code, consent, and one page coming back; more means the script is going round. */
const MAX_STEPS = 6;

type SpringPage = 'login' | 'consent' | 'device-code' | 'device-activated' | 'error' | 'left' | 'other';

export interface SpringPageOptions {
  /** Bound on one call (one login or one device verification). @default 30 000 */
  timeoutMs?: number;
  /** Bound on one wait for the next page. @default 15 000 */
  stepTimeoutMs?: number;
}

/** A page script for the Spring target with other time bounds. */
export function springPageScript(options: SpringPageOptions = {}): PageScript {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const stepTimeoutMs = options.stepTimeoutMs ?? 15_000;

  const walk = async (
    page: Page,
    input: { user: TestUser; userCode?: string; consent: ConsentAnswer },
    device: boolean,
  ) => {
    const origin = new URL(page.url()).origin;
    const deadline = Date.now() + timeoutMs;
    const seen = new Set<SpringPage>();
    for (let step = 0; step < MAX_STEPS; step += 1) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const current = await nextPage(page, origin, Math.min(stepTimeoutMs, remaining));
      switch (current) {
        case 'login':
          if (seen.has('login'))
            throw new Error(
              `Spring refused the test user's sign-in: ${await textOf(page, SELECTORS.loginError)}`,
            );
          seen.add('login');
          await page.locator(SELECTORS.username).fill(input.user.username);
          await page.locator(SELECTORS.password).fill(input.user.password);
          await submitAndWait(page, SELECTORS.loginSubmit, SELECTORS.loginForm, stepTimeoutMs);
          break;
        case 'device-code':
          if (seen.has('device-code')) throw new Error('Spring showed the device code form again');
          seen.add('device-code');
          if (!input.userCode)
            throw new Error('Spring asks for the device user code, but the script was given none');
          await page.locator(SELECTORS.deviceCode).fill(input.userCode);
          await submitAndWait(page, SELECTORS.deviceSubmit, SELECTORS.deviceForm, stepTimeoutMs);
          break;
        case 'consent': {
          if (input.consent === 'approve') {
            // Spring AS grants only the scopes whose boxes are ticked; none ticked is a refusal.
            for (const box of await page.locator(SELECTORS.consentScopes).all()) await box.check();
            await submitAndWait(page, SELECTORS.consentApprove, SELECTORS.consentForm, stepTimeoutMs);
          } else {
            await submitAndWait(page, SELECTORS.consentDeny, SELECTORS.consentForm, stepTimeoutMs);
          }
          return;
        }
        case 'device-activated':
          if (input.consent === 'deny')
            throw new Error(
              'Spring activated the device without asking for consent, so it cannot be refused',
            );
          return;
        case 'error':
          throw new Error(
            `Spring shows an error page at ${new URL(page.url()).pathname}: ${await textOf(page, 'body')}`,
          );
        case 'left':
        case 'other':
          if (input.consent === 'deny') {
            throw new Error(
              `Spring did not show a consent page, so consent cannot be refused (the ${device ? 'device' : 'auth code'} client must require consent)`,
            );
          }
          if (current === 'other')
            throw new Error(
              `Spring showed an unexpected page at ${new URL(page.url()).pathname}: ${await textOf(page, 'body')}`,
            );
          return;
      }
    }
    throw new Error(`the Spring pages did not finish within ${timeoutMs} ms (last at ${page.url()})`);
  };

  return {
    name: 'spring',
    completeLogin: (page, input) => walk(page, input, false),
    completeDeviceVerification: (page, input) => walk(page, input, true),
  };
}

/** The Spring target's pages with the default bounds. */
export const springPages: PageScript = springPageScript();

/** Waits for a known page, or for the browser to have left the server (the loopback callback). */
async function nextPage(page: Page, origin: string, timeoutMs: number): Promise<SpringPage> {
  const outcome = await leftOrKnownPage(page, (candidate) => candidate === origin, ANY_KNOWN_PAGE, timeoutMs);
  if (outcome !== 'known') return outcome;
  if (await isVisible(page.locator(SELECTORS.consentForm))) return 'consent';
  if (await isVisible(page.locator(SELECTORS.deviceForm))) return 'device-code';
  if (await isVisible(page.locator(SELECTORS.deviceActivated))) return 'device-activated';
  if (await isVisible(page.locator(SELECTORS.loginForm))) return 'login';
  return 'error';
}

async function isVisible(locator: Locator): Promise<boolean> {
  return locator
    .first()
    .isVisible()
    .catch(() => false);
}

/** Clicks a button and waits until its form has gone (the next page loaded). */
async function submitAndWait(page: Page, button: string, form: string, timeoutMs: number): Promise<void> {
  await page.locator(button).first().click({ timeout: timeoutMs });
  await page.locator(form).first().waitFor({ state: 'detached', timeout: timeoutMs });
  await page.waitForLoadState('load', { timeout: timeoutMs }).catch(() => {});
}

async function textOf(page: Page, selector: string): Promise<string> {
  const locator = page.locator(selector).first();
  const text =
    (await locator.count()) > 0 ? await locator.textContent({ timeout: 2_000 }).catch(() => null) : null;
  return text?.replace(/\s+/g, ' ').trim().slice(0, 200) || 'no message shown';
}
