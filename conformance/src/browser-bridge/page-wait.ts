import { terminalText } from '@oidcflow/core';
import type { Locator, Page } from 'playwright-core';
import type { TestUser } from '../targets/test-user.js';
import { pageUrlForReport } from './page-evidence.js';
import type { LoginPageInput, SignInPage } from './page-script.js';

/**
 * The waits and reads every IdP's page script (Keycloak, Spring, Hydra) is made of: the
 * bounded walk over the pages, the wait for the next known page, a submit that waits for the
 * next page, and a control's text for an error message.
 */

/** The time bounds of one page script call. */
export interface PageBounds {
  /** Bound on one call (one login or one device verification). @default 30 000 */
  timeoutMs?: number;
  /** Bound on one wait for the next page. @default 15 000 */
  stepTimeoutMs?: number;
}

/**
 * The pages an IdP shows, each with the selector that finds it, in the order they are told
 * apart (the first visible one is the page); the last is taken when none is visible any more.
 */
export type KnownPages<Kind extends string> = ReadonlyArray<readonly [Kind, string]>;

/** `left`: the browser left the IdP (the loopback callback); `other`: an IdP page not in the list. */
export type SeenPage<Kind extends string> = Kind | 'left' | 'other';

export interface PageWalk<Kind extends string> {
  /** Who the error names: "the <idp> pages did not finish". */
  idp: string;
  /** Pages one call may answer (login, device code, consent, and one that came back). */
  maxSteps: number;
  /** The origins of the IdP's pages; any other is the way out. */
  isIdpOrigin(origin: string): boolean;
  pages: KnownPages<Kind>;
  /** Answers the page; `done` when the walk is over. Throws when the page says it failed. */
  answer(current: SeenPage<Kind>, stepTimeoutMs: number): Promise<'done' | 'next'>;
}

/**
 * Walks an IdP's pages until `answer` says done: bounded in steps and in time, each wait for
 * the next page within what is left of the call's time.
 */
export async function walkPages<Kind extends string>(
  page: Page,
  bounds: PageBounds,
  walk: PageWalk<Kind>,
): Promise<void> {
  const timeoutMs = bounds.timeoutMs ?? 30_000;
  const stepTimeoutMs = bounds.stepTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (let step = 0; step < walk.maxSteps; step += 1) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const current = await nextPage(page, walk, Math.min(stepTimeoutMs, remaining));
    if ((await walk.answer(current, stepTimeoutMs)) === 'done') return;
  }
  throw new Error(
    `the ${walk.idp} pages did not finish within ${timeoutMs} ms (last at ${pageUrlForReport(page.url())})`,
  );
}

/** What a page script call is given: the user, the device's user code, the consent answer. */
export type PageInput = LoginPageInput & { userCode?: string };

/** Where a sign-in form's fields are (CSS selectors). */
export interface SignInFields {
  username: string;
  password: string;
  /** Where a sign-in page that asks only for a password names its user (a re-authentication). */
  namedUser?: string;
}

/**
 * What a sign-in page shows before anyone types: the user name field's value, or, on a page
 * without a visible user name field, the user it names (`fields.namedUser`; '' when none).
 */
export async function readSignInPage(page: Page, fields: SignInFields): Promise<SignInPage> {
  const username = page.locator(fields.username);
  if (await isVisible(username))
    return { username: await username.first().inputValue(), usernameEditable: true };
  const shown = fields.namedUser ? page.locator(fields.namedUser).first() : undefined;
  return {
    username: shown && (await shown.count()) > 0 ? await shownText(shown) : '',
    usernameEditable: false,
  };
}

/**
 * Fills a sign-in form's user name and password fields with the test user's, telling
 * `onSignIn` first what the page held (`readSignInPage`). A form that asks only the password of
 * a user it names (Keycloak's re-authentication) gets it only when that user is the test user.
 */
export async function fillSignIn(
  page: Page,
  fields: SignInFields,
  user: TestUser,
  onSignIn?: (signIn: SignInPage) => void,
): Promise<void> {
  const shown = await readSignInPage(page, fields);
  onSignIn?.(shown);
  if (shown.usernameEditable) await page.locator(fields.username).fill(user.username);
  else if (shown.username !== user.username)
    throw new Error(
      `the sign-in page asks only for the password of ${shown.username ? `"${shown.username}"` : 'a user it does not name'}, not of the test user "${user.username}"`,
    );
  await page.locator(fields.password).fill(user.password);
}

/**
 * Waits until the browser shows one of the IdP's known pages, or has left the IdP. When
 * neither happens within the time, an IdP page nobody knows is `other` (e.g. an information
 * page without a form, which ends a device verification).
 */
async function nextPage<Kind extends string>(
  page: Page,
  walk: PageWalk<Kind>,
  timeoutMs: number,
): Promise<SeenPage<Kind>> {
  const selectors = walk.pages.map(([, selector]) => selector);
  const left = page
    .waitForURL((url) => !walk.isIdpOrigin(url.origin), { timeout: timeoutMs, waitUntil: 'commit' })
    .then(() => 'left' as const);
  const known = page
    .locator(selectors.join(', '))
    .first()
    .waitFor({ state: 'visible', timeout: timeoutMs })
    .then(() => 'known' as const);
  left.catch(() => {});
  known.catch(() => {});
  try {
    if ((await Promise.race([left, known])) === 'left') return 'left';
  } catch {
    return walk.isIdpOrigin(new URL(page.url()).origin) ? 'other' : 'left';
  }
  for (const [kind, selector] of walk.pages) if (await isVisible(page.locator(selector))) return kind;
  return walk.pages[walk.pages.length - 1]?.[0] ?? 'other';
}

/** What an element shows: a (read-only) field's value, or the text of any other element. */
async function shownText(element: Locator): Promise<string> {
  const text = await element
    .inputValue({ timeout: 2_000 })
    .catch(() => element.textContent({ timeout: 2_000 }).catch(() => null));
  return text?.trim() ?? '';
}

/** The first element of `locator` is visible now (no wait; false when there is none). */
export async function isVisible(locator: Locator): Promise<boolean> {
  return locator
    .first()
    .isVisible()
    .catch(() => false);
}

/** A form a page script submits, and how the IdP's refusal of it shows. */
export interface SubmittedForm {
  /** The form (CSS selector): when no document shows it any more, the next page is there. */
  form: string;
  /**
   * Where the IdP says why it refused the form when it shows it again (CSS selector, e.g.
   * Keycloak's `#input-error-username`). Without it, a form shown again is left to the walk.
   */
  refusal?: string;
  /** What the error says before the IdP's words, e.g. "Keycloak refused the test user's sign-in". */
  refused?: string;
}

/** The IdP refused a submitted form, and said why (`reason`: its words, by the rule for outside text). */
export class FormRefused extends Error {
  override readonly name = 'FormRefused';
  readonly reason: string;

  constructor(refused: string, reason: string) {
    super(`${refused}: ${reason}`);
    this.reason = reason;
  }
}

/** How often the wait after a submit looks at the page. */
const SUBMIT_POLL_MS = 100;

/**
 * Clicks a submit button and waits for whichever comes first: the form gone (the next page, or
 * the browser left the IdP for the callback), or the IdP's refusal — the same form shown again
 * with an error at `submitted.refusal` (in a new document, or appearing in this one), which
 * throws `FormRefused` with the IdP's words at once. A new document with the form and no error
 * ends the wait too: the walk then sees the page again. Bounded by `timeoutMs`.
 */
export async function submitAndWait(
  page: Page,
  button: Locator,
  submitted: SubmittedForm | string,
  timeoutMs: number,
): Promise<void> {
  const { form, refusal, refused } = typeof submitted === 'string' ? { form: submitted } : submitted;
  const deadline = Date.now() + timeoutMs;
  // The main frame's DOMContentLoaded after the click: a new document was parsed (a POST
  // answered with a page). A same-document navigation (history.pushState) fires none.
  let newDocumentLoaded = false;
  const onLoaded = () => {
    newDocumentLoaded = true;
  };
  // An error shown before the click is the old one: only a new document's counts.
  const shownBefore = refusal ? await isVisible(page.locator(refusal)) : false;
  page.on('domcontentloaded', onLoaded);
  try {
    await button.first().click({ timeout: timeoutMs });
    for (;;) {
      const newDocument = newDocumentLoaded;
      if (!(await isVisible(page.locator(form)))) break;
      if (refusal && (newDocument || !shownBefore) && (await isVisible(page.locator(refusal))))
        throw new FormRefused(refused ?? 'the IdP refused the form', await textOf(page.locator(refusal)));
      if (newDocument) break;
      if (Date.now() >= deadline)
        throw new Error(
          `the form ${form} was still shown ${timeoutMs} ms after it was submitted (at ${page.url()})`,
        );
      await page.waitForTimeout(SUBMIT_POLL_MS);
    }
  } finally {
    page.off('domcontentloaded', onLoaded);
  }
  await page.waitForLoadState('load', { timeout: Math.max(1, deadline - Date.now()) }).catch(() => {});
}

/**
 * The text of the first element of `locator` for an error message: the IdP's words, white space
 * folded and passed through `terminalText` (one line, escaped, bounded), as all outside text.
 */
export async function textOf(locator: Locator): Promise<string> {
  const first = locator.first();
  const text =
    (await first.count()) > 0 ? await first.textContent({ timeout: 2_000 }).catch(() => null) : null;
  const folded = text?.replace(/\s+/g, ' ').trim();
  return folded ? terminalText(folded) : 'no message shown';
}
