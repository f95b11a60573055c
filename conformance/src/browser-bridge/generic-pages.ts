import type { Locator, Page } from 'playwright-core';
import type { TestUser } from '../targets/test-user.js';
import { type PageForm, type PageKind, readPageForm } from './form-finder.js';
import { capturePageEvidence, PageScriptFailure, visiblePageText } from './page-evidence.js';
import type { ConsentAnswer, PageScript } from './page-script.js';

export interface GenericPageOptions {
  /** The IdP's origin. @default the origin of the page the script starts on */
  idpOrigin?: string;
  /** How long one step may take (a page to appear, a submit to move on) before the script gives up. @default 8 000 */
  stepTimeoutMs?: number;
  /** Pages the script answers at most. @default 12 */
  maxSteps?: number;
}

type Input = { user: TestUser; consent: ConsentAnswer; userCode?: string };

const POLL_MS = 250;
/** A device verification's last page has no form; it is read this long for one to appear. */
const LAST_PAGE_SETTLE_MS = 1_500;
const ERROR_WORDS =
  /\b(error|invalid|expired|denied|failed|wrong|not found|oops|try again|unauthori[sz]ed)\b/i;

const PAGE_NAMES: Record<PageKind, string> = {
  login: 'sign-in form',
  identifier: 'user name form',
  'user-code': 'user code form',
  consent: 'consent page',
  none: 'page',
};

function isLoopback(hostname: string): boolean {
  return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(hostname);
}

/** The browser reached the client's loopback redirect (a page the IdP does not serve). */
function leftIdp(page: Page, idpOrigin: string): boolean {
  try {
    const url = new URL(page.url());
    return url.origin !== idpOrigin && isLoopback(url.hostname);
  } catch {
    return false;
  }
}

function withoutFragment(url: string): string {
  return url.replace(/#.*$/, '');
}

async function loaded(page: Page, timeoutMs: number): Promise<void> {
  await page.waitForLoadState('domcontentloaded', { timeout: timeoutMs }).catch(() => {});
}

/** Waits until the page shows a form or button the script knows, or the browser left the IdP. */
async function settle(page: Page, idpOrigin: string, timeoutMs: number): Promise<PageForm | 'left'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (leftIdp(page, idpOrigin)) return 'left';
    await loaded(page, Math.max(1, deadline - Date.now()));
    const form = await readPageForm(page);
    if (form.kind !== 'none' || Date.now() >= deadline) return form;
    await page.waitForTimeout(POLL_MS);
  }
}

/** Resolves true once the page navigated or the control acted on is gone; false after `timeoutMs`. */
async function moved(page: Page, before: string, marker: Locator, timeoutMs: number): Promise<boolean> {
  const urlChanged = page.waitForURL((url) => withoutFragment(url.href) !== before, {
    timeout: timeoutMs,
    waitUntil: 'commit',
  });
  const detached = marker.waitFor({ state: 'detached', timeout: timeoutMs });
  try {
    await Promise.any([urlChanged, detached]);
    return true;
  } catch {
    return false;
  }
}

async function submit(form: PageForm, from: Locator, timeoutMs: number): Promise<void> {
  if (form.controls.buttons.includes('submit')) await form.button('submit').click({ timeout: timeoutMs });
  else await from.press('Enter', { timeout: timeoutMs });
}

/**
 * A page script for IdPs whose pages the harness does not know. It reads each page as a
 * person would (fields by label, autocomplete, name, id, placeholder, not only `type`), signs
 * in, enters the device code, approves or refuses, and fails at the first step where the page
 * did not move on — or came back with the same form — with the page's visible error text, its
 * URL and a screenshot (PageScriptFailure). Each step is bounded by `stepTimeoutMs`.
 */
export function genericPageScript(options: GenericPageOptions = {}): PageScript {
  const stepTimeoutMs = options.stepTimeoutMs ?? 8_000;
  const maxSteps = options.maxSteps ?? 12;

  const walk = async (page: Page, input: Input, device: boolean): Promise<void> => {
    const idpOrigin = options.idpOrigin ?? new URL(page.url()).origin;
    const secrets = [input.user.password];
    const fail = async (message: string): Promise<never> => {
      const evidence = await capturePageEvidence(page, secrets);
      throw new PageScriptFailure(`${message} (${evidence.url}); the page ${evidence.visibleText}`, evidence);
    };
    let previous: { kind: PageKind; url: string } | undefined;
    let lastAction = '';
    let refused = false;
    // Asked to refuse, but the IdP asked nothing: it remembered an approval, or needs none for this client.
    const noConsentToRefuse = () =>
      fail(
        `asked to refuse consent, but the ${device ? 'device verification' : 'login'} finished without a consent page to refuse (the IdP remembered an earlier approval or asks no consent for this client; leave this flow out of OIDCFLOW_EXTERNAL_CONSENT_DENIAL)`,
      );
    for (let step = 0; step < maxSteps; step += 1) {
      const lastPage = device && previous !== undefined;
      const form = await settle(page, idpOrigin, lastPage ? LAST_PAGE_SETTLE_MS : stepTimeoutMs);
      if (form === 'left') {
        if (input.consent === 'deny' && !refused) await noConsentToRefuse();
        return;
      }
      const url = withoutFragment(page.url());
      if (form.kind === 'none') {
        if (lastPage) {
          // The device verification's last page: done, unless it reads like an error.
          const text = await visiblePageText(page, secrets);
          const shown = text.replace(/^shows no error; its text begins: /, '');
          if (input.consent === 'approve' && (text.startsWith('shows: ') || ERROR_WORDS.test(shown)))
            await fail(`the device verification ended on an error page after the script ${lastAction}`);
          if (input.consent === 'deny' && !refused) await noConsentToRefuse();
          return;
        }
        await fail(
          previous
            ? `after the script ${lastAction}, the page shows no form or button it knows`
            : 'the first page shows no sign-in form, user code form or consent button',
        );
      }
      if (previous && form.kind === previous.kind && (form.kind !== 'consent' || url === previous.url))
        await fail(
          `the ${PAGE_NAMES[form.kind]} came back after the script ${lastAction}: it was not accepted`,
        );

      let marker: Locator;
      switch (form.kind) {
        case 'login': {
          if (form.controls.fields.includes('username'))
            await form.field('username').fill(input.user.username);
          marker = form.field('password');
          await marker.fill(input.user.password);
          await submit(form, marker, stepTimeoutMs);
          lastAction = 'signed in';
          break;
        }
        case 'identifier':
          marker = form.field('username');
          await marker.fill(input.user.username);
          await submit(form, marker, stepTimeoutMs);
          lastAction = 'gave the user name';
          break;
        case 'user-code': {
          if (!input.userCode)
            await fail('the page asks for a device user code, and the script was given none');
          marker = form.field('userCode');
          if (form.controls.userCodeValue !== input.userCode) await marker.fill(input.userCode ?? '');
          await submit(form, marker, stepTimeoutMs);
          lastAction = 'entered the user code';
          break;
        }
        default: {
          const answer = input.consent === 'deny' ? 'deny' : 'approve';
          if (!form.controls.buttons.includes(answer))
            await fail(`the consent page has no button that reads like "${answer}"`);
          marker = form.button(answer);
          await marker.click({ timeout: stepTimeoutMs });
          lastAction = answer === 'deny' ? 'refused consent' : 'approved';
          refused ||= answer === 'deny';
        }
      }
      if (!(await moved(page, url, marker, stepTimeoutMs)))
        await fail(
          `the page did not move within ${Math.round(stepTimeoutMs / 1000)} s after the script ${lastAction}`,
        );
      previous = { kind: form.kind, url };
    }
    await fail(`the pages did not finish within ${maxSteps} steps`);
  };

  return {
    name: 'generic',
    completeLogin: (page, input) => walk(page, input, false),
    completeDeviceVerification: (page, input) => walk(page, input, true),
  };
}

/** The generic script for an IdP at `idpOrigin`, with the default bounds. */
export function genericPages(idpOrigin: string): PageScript {
  return genericPageScript({ idpOrigin });
}
