// Completes the test IdP's own pages with fetch, for tests that need real tokens but no browser
// (core's lifecycle, many processes at once). Playwright tests drive the same pages for real.
import type { TestUser } from './account.js';

export interface BrowserlessOptions {
  /** Approve (default) or refuse at the consent or device confirmation step. */
  decision?: 'approve' | 'deny';
  /** At most this many page loads before giving up. @default 20 */
  maxSteps?: number;
  /**
   * The cookies of one browser, kept across walks (`new BrowserlessCookies()`): the IdP's
   * session then answers the next walk as it would in a real browser. @default a jar per walk
   */
  cookies?: BrowserlessCookies;
}

interface HtmlForm {
  id?: string;
  action: string;
  method: string;
  fields: Record<string, string>;
  names: string[];
}

/** A browser's cookie jar for the walker: one IdP session shared by the walks given it. */
export class BrowserlessCookies {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(header) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

function decodeEntities(value: string): string {
  return value
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, 'i').exec(tag);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]);
}

function parseForms(html: string, base: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const tag = match[1] ?? '';
    const fields: Record<string, string> = {};
    const names: string[] = [];
    for (const input of (match[2] ?? '').matchAll(/<input\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (!name) continue;
      names.push(name);
      fields[name] = attribute(input[0], 'value') ?? '';
    }
    const id = attribute(` ${tag}`, 'id');
    forms.push({
      ...(id ? { id } : {}),
      action: new URL(attribute(` ${tag}`, 'action') ?? base, base).href,
      method: (attribute(` ${tag}`, 'method') ?? 'get').toUpperCase(),
      fields,
      names,
    });
  }
  return forms;
}

/**
 * Follows redirects and fills the IdP's forms as the test user would, until a redirect
 * leaves the IdP (returned) or a page needs nothing more (returned as the page's URL).
 */
async function walk(
  start: string,
  user: TestUser,
  options: BrowserlessOptions,
  isDone: (html: string) => boolean,
): Promise<{ left?: string; lastPage: string }> {
  const origin = new URL(start).origin;
  const jar = options.cookies ?? new BrowserlessCookies();
  const deny = options.decision === 'deny';
  let request: { url: string; init: RequestInit } = { url: start, init: { method: 'GET' } };
  for (let step = 0; step < (options.maxSteps ?? 20); step++) {
    const response = await fetch(request.url, {
      ...request.init,
      redirect: 'manual',
      headers: { ...(request.init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, request.url);
      if (next.origin !== origin) return { left: next.href, lastPage: request.url };
      request = { url: next.href, init: { method: 'GET' } };
      continue;
    }
    const html = await response.text();
    if (isDone(html)) return { lastPage: html };
    const abort = /href="([^"]*\/abort)"/.exec(html)?.[1];
    const forms = parseForms(html, request.url);
    const form = forms[0];
    if (!form) {
      throw new Error(
        `The IdP page at ${request.url} (HTTP ${response.status}) has no form: ${html.slice(0, 300)}`,
      );
    }
    const isConsent = form.fields.prompt === 'consent';
    const isDeviceConfirm = form.id === 'op.deviceConfirmForm';
    if (deny && isConsent && abort) {
      request = { url: new URL(decodeEntities(abort), request.url).href, init: { method: 'GET' } };
      continue;
    }
    const fields = { ...form.fields };
    if (form.names.includes('login')) fields.login = user.login;
    if (form.names.includes('password')) fields.password = user.password;
    if (deny && isDeviceConfirm) fields.abort = 'yes';
    // The sign-out page's "Yes, sign me out" is a button outside its form.
    if (form.id === 'op.logoutForm') fields.logout = 'yes';
    request = {
      url: form.action,
      init: {
        method: form.method,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      },
    };
  }
  throw new Error(
    `The IdP pages did not finish within ${options.maxSteps ?? 20} steps (last: ${request.url}).`,
  );
}

/**
 * Opens an authorization URL of the test IdP, signs in as `user` and answers the consent,
 * and returns the redirect to the client's `redirect_uri` (with `code` or `error`) without
 * requesting it.
 */
export async function completeAuthorizationWithoutBrowser(
  authorizationUrl: string,
  user: TestUser | { login: string; password: string },
  options: BrowserlessOptions = {},
): Promise<string> {
  const result = await walk(authorizationUrl, user as TestUser, options, () => false);
  if (!result.left) throw new Error('The authorization did not redirect back to the client.');
  return result.left;
}

/**
 * Opens the device verification page (`verification_uri_complete`, or `verification_uri`
 * with `userCode`), confirms the code, signs in as `user` and consents (or refuses).
 */
export async function completeDeviceVerificationWithoutBrowser(
  verificationUri: string,
  user: TestUser | { login: string; password: string },
  options: BrowserlessOptions & { userCode?: string } = {},
): Promise<void> {
  const url = new URL(verificationUri);
  if (options.userCode) url.searchParams.set('user_code', options.userCode);
  const result = await walk(url.href, user as TestUser, options, (html) =>
    /Sign-in Success|<title>oops|The Sign-in request was interrupted|error processing your request/.test(
      html,
    ),
  );
  if (result.left)
    throw new Error(`The device verification left the IdP for ${new URL(result.left).origin}.`);
  if (!options.decision || options.decision === 'approve') {
    if (!/Sign-in Success/.test(result.lastPage)) {
      throw new Error(`The device verification did not succeed: ${result.lastPage.slice(0, 300)}`);
    }
  }
}

/**
 * Signs the browser of `cookies` out at the test IdP, as a user does on its end-session page
 * ("Yes, sign me out"): its session ends, and with it the grants given in it.
 */
export async function signOutWithoutBrowser(
  issuer: string,
  cookies: BrowserlessCookies,
  options: Omit<BrowserlessOptions, 'cookies'> = {},
): Promise<void> {
  const nobody = { login: '', password: '' } as TestUser;
  const result = await walk(`${issuer}/session/end`, nobody, { ...options, cookies }, (html) =>
    /<title>Sign-out Success<\/title>/.test(html),
  );
  if (result.left || !/<title>Sign-out Success<\/title>/.test(result.lastPage))
    throw new Error(`The sign-out did not succeed: ${result.left ?? result.lastPage.slice(0, 300)}`);
}
