import type { Locator, Page } from 'playwright-core';
import type { TestUser } from '../targets/target.js';
import type { ConsentAnswer, PageScript } from './page-script.js';

/**
 * Keycloak's pages (theme keycloak.v2), as the browser sees them. Each step waits, with a bound,
 * for the next known page or for the browser to leave Keycloak (the loopback callback).
 */
const SELECTORS = {
  loginForm: '#kc-form-login',
  username: 'input#username',
  password: 'input#password',
  loginSubmit: 'button#kc-login, input#kc-login',
  deviceForm: '#kc-user-verify-device-user-code-form',
  deviceCode: 'input#device_user_code',
  deviceSubmit: '#kc-login',
  consentForm: '#kc-oauth',
  consentApprove: '#kc-login[name=accept]',
  consentDeny: '#kc-cancel[name=cancel]',
  // Required actions Keycloak puts between login and consent when the realm's user is incomplete.
  requiredAction:
    '#kc-update-profile-form, #kc-passwd-update-form, #kc-otp-login-form, #kc-totp-settings-form',
  error: '#kc-error-message',
  feedback: '.kc-feedback-text, #input-error, #input-error-username, #input-error-password',
} as const;

const ANY_KNOWN_PAGE = [
  SELECTORS.loginForm,
  SELECTORS.deviceForm,
  SELECTORS.consentForm,
  SELECTORS.requiredAction,
  SELECTORS.error,
].join(', ');

/** Steps one script may take (login, device code, consent, plus retries of a page that came back). */
const MAX_STEPS = 6;

export interface KeycloakPageOptions {
  /** Bound on one call (one login or one device verification). @default 30 000 */
  timeoutMs?: number;
  /** Bound on one wait for the next page. @default 15 000 */
  stepTimeoutMs?: number;
}

type KeycloakPage =
  | 'login'
  | 'device-code'
  | 'consent'
  | 'required-action'
  | 'error'
  | 'left-keycloak'
  | 'other';

/** A page script for Keycloak with other time bounds. */
export function keycloakPageScript(options: KeycloakPageOptions = {}): PageScript {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const stepTimeoutMs = options.stepTimeoutMs ?? 15_000;

  const walk = async (
    page: Page,
    input: { user: TestUser; userCode?: string; consent: ConsentAnswer },
    device: boolean,
  ) => {
    const keycloakOrigin = new URL(page.url()).origin;
    const deadline = Date.now() + timeoutMs;
    const seen = new Set<KeycloakPage>();
    for (let step = 0; step < MAX_STEPS; step += 1) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const current = await nextPage(page, keycloakOrigin, Math.min(stepTimeoutMs, remaining));
      switch (current) {
        case 'login':
          if (seen.has('login'))
            throw new Error(`Keycloak refused the test user's sign-in: ${await feedbackOf(page)}`);
          seen.add('login');
          await page.locator(SELECTORS.username).fill(input.user.username);
          await page.locator(SELECTORS.password).fill(input.user.password);
          await submitAndWait(
            page,
            page.locator(SELECTORS.loginSubmit).first(),
            SELECTORS.loginForm,
            stepTimeoutMs,
          );
          break;
        case 'device-code': {
          if (seen.has('device-code'))
            throw new Error(`Keycloak refused the device user code: ${await feedbackOf(page)}`);
          seen.add('device-code');
          if (!input.userCode) {
            throw new Error('Keycloak asks for the device user code, but the script was given none');
          }
          // verification_uri_complete may have filled it in already.
          const field = page.locator(SELECTORS.deviceCode);
          if ((await field.inputValue()) !== input.userCode) await field.fill(input.userCode);
          await submitAndWait(
            page,
            page.locator(SELECTORS.deviceSubmit).first(),
            SELECTORS.deviceForm,
            stepTimeoutMs,
          );
          break;
        }
        case 'consent': {
          const button = input.consent === 'approve' ? SELECTORS.consentApprove : SELECTORS.consentDeny;
          await submitAndWait(page, page.locator(button).first(), SELECTORS.consentForm, stepTimeoutMs);
          return;
        }
        case 'required-action':
          throw new Error(
            'Keycloak shows a required action (update profile or password, OTP) after sign-in: the realm file must give the test user email, names, emailVerified and a non-temporary password',
          );
        case 'error':
          throw new Error(`Keycloak shows an error page: ${await textOf(page.locator(SELECTORS.error))}`);
        case 'left-keycloak':
        case 'other':
          // Consent was not asked (granted before, or not required): the flow went on without it.
          if (input.consent === 'deny') {
            throw new Error(
              `Keycloak did not show a consent page, so consent cannot be refused (the ${device ? 'device' : 'auth code'} client needs consentRequired and no remembered consent)`,
            );
          }
          if (!seen.has('login') && !seen.has('device-code') && current === 'other') {
            throw new Error(`Keycloak showed an unexpected page at ${page.url()}`);
          }
          return;
      }
    }
    throw new Error(`the Keycloak pages did not finish within ${timeoutMs} ms (last at ${page.url()})`);
  };

  return {
    name: 'keycloak',
    completeLogin: (page, input) => walk(page, input, false),
    completeDeviceVerification: (page, input) => walk(page, input, true),
  };
}

/** Keycloak's pages with the default bounds. */
export const keycloakPages: PageScript = keycloakPageScript();

/** Waits for a known Keycloak page, or for the browser to have left Keycloak's origin. */
async function nextPage(page: Page, keycloakOrigin: string, timeoutMs: number): Promise<KeycloakPage> {
  const leftKeycloak = page
    .waitForURL((url) => url.origin !== keycloakOrigin, { timeout: timeoutMs, waitUntil: 'commit' })
    .then(() => 'left' as const);
  const knownPage = page
    .locator(ANY_KNOWN_PAGE)
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs })
    .then(() => 'known' as const);
  leftKeycloak.catch(() => {});
  knownPage.catch(() => {});
  let outcome: 'left' | 'known' | 'neither';
  try {
    outcome = await Promise.race([leftKeycloak, knownPage]);
  } catch {
    outcome = 'neither';
  }
  if (outcome === 'left') return 'left-keycloak';
  if (outcome === 'neither') {
    // An information page without a form ("Device Login Successful") ends a device verification.
    return new URL(page.url()).origin === keycloakOrigin ? 'other' : 'left-keycloak';
  }
  if (await page.locator(SELECTORS.error).isVisible()) return 'error';
  if (await page.locator(SELECTORS.requiredAction).first().isVisible()) return 'required-action';
  if (await page.locator(SELECTORS.consentForm).isVisible()) return 'consent';
  if (await page.locator(SELECTORS.deviceForm).isVisible()) return 'device-code';
  return 'login';
}

/** Clicks a submit button and waits until the form it belongs to has gone (the next page loaded). */
async function submitAndWait(
  page: Page,
  button: Locator,
  formSelector: string,
  timeoutMs: number,
): Promise<void> {
  await button.click({ timeout: timeoutMs });
  await page.locator(formSelector).first().waitFor({ state: 'detached', timeout: timeoutMs });
  await page.waitForLoadState('load', { timeout: timeoutMs }).catch(() => {});
}

async function feedbackOf(page: Page): Promise<string> {
  const feedback = page.locator(SELECTORS.feedback).first();
  return (await feedback.count()) > 0 ? await textOf(feedback) : 'no message shown';
}

async function textOf(locator: Locator): Promise<string> {
  const text = await locator.textContent({ timeout: 2_000 }).catch(() => null);
  return text?.replace(/\s+/g, ' ').trim() || 'no message shown';
}
