import type { Locator, Page } from 'playwright-core';
import type { TestUser } from '../targets/test-user.js';
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
  throw new Error(`the ${walk.idp} pages did not finish within ${timeoutMs} ms (last at ${page.url()})`);
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

/** Clicks a submit button and waits until its form has gone (the next page loaded). */
export async function submitAndWait(
  page: Page,
  button: Locator,
  formSelector: string,
  timeoutMs: number,
): Promise<void> {
  await button.first().click({ timeout: timeoutMs });
  await page.locator(formSelector).first().waitFor({ state: 'detached', timeout: timeoutMs });
  await page.waitForLoadState('load', { timeout: timeoutMs }).catch(() => {});
}

/** The text of the first element of `locator`, white space folded, for an error message. */
export async function textOf(locator: Locator): Promise<string> {
  const first = locator.first();
  const text =
    (await first.count()) > 0 ? await first.textContent({ timeout: 2_000 }).catch(() => null) : null;
  return text?.replace(/\s+/g, ' ').trim().slice(0, 200) || 'no message shown';
}
