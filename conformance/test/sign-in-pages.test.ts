// What the form page script reports of a sign-in page (the login request scenarios read the
// IdP's pages with it), against a sign-in site of our own in real Chromium: a user name field
// pre-filled from login_hint, and a re-authentication page in Keycloak's shape (the session's
// user named in a read-only field, a password field, "restart login") for the same user and for
// another one; and the site refusing the password or the one-time code, which the script reports
// at once with the site's words (Keycloak 26's error fields), not after its wait runs out.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { BrowserProvider } from '../src/browser-bridge/browser-provider.js';
import { launchChromium } from '../src/browser-bridge/chromium.js';
import { type FormIdp, formPageScript } from '../src/browser-bridge/form-pages.js';
import { PageScriptFailure } from '../src/browser-bridge/page-evidence.js';
import type { SignInPage } from '../src/browser-bridge/page-script.js';
import { FormRefused, walkPages } from '../src/browser-bridge/page-wait.js';
import { browserLoginDriver } from '../src/support/browser-login.js';

const browserRequired = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('browser');
const PASSWORD = 'fake-password-sign-in-pages';
const ONE_TIME_CODE = '246810';
/** What the site says when it refuses, as Keycloak 26 says it (messages_en.properties). */
const WRONG_PASSWORD = 'Invalid username or password.';
const WRONG_CODE = 'Invalid authenticator code.';
/** A refusal text no terminal should act on: an escape sequence, a new line, 3000 characters. */
const HOSTILE_FEEDBACK = `Refused\u001b]0;owned\u0007\noidcflow: all good ${'x'.repeat(3000)}`;

/** Keycloak's selectors, with the re-authentication page's named user and restart control. */
function site(restart: boolean): FormIdp {
  return {
    name: 'sign-in-site',
    idp: 'the sign-in site',
    selectors: {
      loginForm: '#kc-form-login',
      username: 'input#username',
      password: 'input#password',
      namedUser: '#kc-attempted-username',
      oneTimeCodeForm: '#kc-otp-login-form',
      oneTimeCode: 'input#otp',
      oneTimeCodeSubmit: '#kc-login',
      ...(restart ? { restartLogin: '#reset-login' } : {}),
      loginSubmit: 'button#kc-login',
      deviceForm: '#no-device-form',
      deviceCode: '#no-device-code',
      deviceSubmit: '#no-device-submit',
      consentForm: '#no-consent-form',
      consentApprove: '#no-approve',
      consentDeny: '#no-deny',
      error: '#kc-error-message',
      feedback: '#input-error-username, #input-error-password, #input-error-otp',
    },
    order: ['error', 'one-time-code', 'login'],
    maxSteps: 4,
    consentHint: 'asks for none',
    informationPageEnds: false,
  };
}

/**
 * The sign-in site: `/auth?login_hint=&session=&redirect=` shows the sign-in form (pre-filled
 * from login_hint), or, with `session`, the re-authentication of that user; `/restart` drops the
 * session. A right password redirects to `redirect` (another origin: the client's callback), or,
 * with `otp`, shows the one-time code form first. A wrong password or code is answered, as
 * Keycloak does, with the same form and an error under its field (`feedback=hostile`: a text
 * with control characters, too long for a message).
 */
let idp: Server;
let callback: Server;
let idpUrl: string;
let callbackUrl: string;
const signedIn: string[] = [];
/** The user whose password was right, asked for the one-time code. */
let pendingCode = '';

function html(response: ServerResponse, body: string) {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end(`<!doctype html><html><body>${body}</body></html>`);
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

interface Flow {
  redirect: string;
  otp: boolean;
  hostile: boolean;
}

const flowFields = (flow: Flow) =>
  `<input type="hidden" name="redirect" value="${escapeHtml(flow.redirect)}">
   <input type="hidden" name="otp" value="${flow.otp ? '1' : ''}">
   <input type="hidden" name="feedback" value="${flow.hostile ? 'hostile' : ''}">`;

const flowOf = (fields: URLSearchParams): Flow => ({
  redirect: fields.get('redirect') ?? '',
  otp: fields.get('otp') === '1',
  hostile: fields.get('feedback') === 'hostile',
});

/** Keycloak 26's error under a field (field.ftl), and its page for the one-time code (login-otp.ftl). */
const fieldError = (field: string, text: string) =>
  `<div id="input-error-container-${field}"><div aria-live="polite"><div id="input-error-${field}"><span>${escapeHtml(text)}</span></div></div></div>`;

function codeForm(flow: Flow, error = ''): string {
  return `<form id="kc-otp-login-form" method="post" action="/otp">${flowFields(flow)}
    <label>One-time code <input id="otp" name="otp-code" autocomplete="one-time-code"></label>${error}
    <button id="kc-login" type="submit">Sign In</button></form>`;
}

function form(username: string, session: string, flow: Flow, error = ''): string {
  const who = session
    ? `<input id="kc-attempted-username" value="${escapeHtml(session)}" readonly>
       <button id="reset-login" type="button" onclick="location.href='/restart?${new URLSearchParams({ hint: username, redirect: flow.redirect })}'">Restart login</button>
       <input type="hidden" name="username" value="${escapeHtml(session)}">`
    : `<label>User name <input id="username" name="username" value="${escapeHtml(username)}"></label>`;
  return `<form id="kc-form-login" method="post" action="/login">${who}${error}${flowFields(flow)}
    <label>Password <input id="password" name="password" type="password"></label>
    <button id="kc-login" type="submit">Sign In</button></form>`;
}

async function body(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

let browser: BrowserProvider;
beforeAll(async () => {
  idp = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/auth') {
      return html(
        response,
        form(
          url.searchParams.get('login_hint') ?? '',
          url.searchParams.get('session') ?? '',
          flowOf(url.searchParams),
        ),
      );
    }
    if (url.pathname === '/restart') {
      return html(response, form(url.searchParams.get('hint') ?? '', '', flowOf(url.searchParams)));
    }
    const signedInTo = (response: ServerResponse, flow: Flow, username: string) => {
      signedIn.push(username);
      response.writeHead(302, { location: flow.redirect || '/' });
      response.end();
    };
    if (url.pathname === '/login' && request.method === 'POST') {
      void body(request).then((fields) => {
        const flow = flowOf(fields);
        const username = fields.get('username') ?? '';
        if (fields.get('password') !== PASSWORD) {
          const said = flow.hostile ? HOSTILE_FEEDBACK : WRONG_PASSWORD;
          return html(response, form(username, '', flow, fieldError('username', said)));
        }
        if (flow.otp) {
          pendingCode = username;
          return html(response, codeForm(flow));
        }
        signedInTo(response, flow, username);
      });
      return;
    }
    if (url.pathname === '/otp' && request.method === 'POST') {
      void body(request).then((fields) => {
        const flow = flowOf(fields);
        if (fields.get('otp-code') !== ONE_TIME_CODE)
          return html(response, codeForm(flow, fieldError('otp', WRONG_CODE)));
        signedInTo(response, flow, pendingCode);
      });
      return;
    }
    if (url.pathname === '/login-actions/authenticate')
      return html(response, '<p id="still-here">A page that never moves on</p>');
    response.writeHead(404).end();
  });
  callback = createServer((_request, response) => html(response, '<p>Login succeeded</p>'));
  [idpUrl, callbackUrl, browser] = await Promise.all([listen(idp), listen(callback), launchChromium()]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all([idp, callback].map((server) => new Promise((resolve) => server?.close(resolve))));
});

/**
 * Runs the form script on `/auth?query` as `username` (`user`: another password or one-time code);
 * what it reported and whom the site signed in.
 */
async function signIn(
  context: TestContext,
  query: Record<string, string>,
  username: string,
  restart = true,
  user: { password?: string; oneTimeCode?: string } = {},
) {
  if (browser.unavailableReason) {
    if (browserRequired) throw new Error(`required by OIDCFLOW_REQUIRE: ${browser.unavailableReason}`);
    context.skip(browser.unavailableReason);
  }
  const session = await browser.newSession();
  const pages: SignInPage[] = [];
  signedIn.length = 0;
  try {
    const page = await session.newPage();
    await page.goto(
      `${idpUrl}/auth?${new URLSearchParams({ ...query, redirect: `${callbackUrl}/callback` })}`,
    );
    await formPageScript(site(restart), { timeoutMs: 20_000, stepTimeoutMs: 8_000 }).completeLogin(page, {
      user: {
        username,
        password: user.password ?? PASSWORD,
        oneTimeCode: () => user.oneTimeCode ?? ONE_TIME_CODE,
      },
      consent: 'approve',
      onSignIn: (seen) => pages.push(seen),
    });
    return { pages, signedIn: [...signedIn], at: new URL(page.url()).pathname };
  } finally {
    await session.close();
  }
}

describe('the sign-in pages a form page script reports', () => {
  it('reads the user name field before typing: the login_hint value, or empty without one', async (context) => {
    const hinted = await signIn(context, { login_hint: 'bob' }, 'bob');
    expect(hinted).toEqual({
      pages: [{ username: 'bob', usernameEditable: true }],
      signedIn: ['bob'],
      at: '/callback',
    });
    const plain = await signIn(context, {}, 'bob');
    expect(plain.pages).toEqual([{ username: '', usernameEditable: true }]);
  });

  it("types only the password on a re-authentication of the test user's own session", async (context) => {
    const again = await signIn(context, { session: 'alice' }, 'alice');
    expect(again).toEqual({
      pages: [{ username: 'alice', usernameEditable: false }],
      signedIn: ['alice'],
      at: '/callback',
    });
  });

  it('restarts the login when the page re-authenticates another user, and signs in the test user', async (context) => {
    const switched = await signIn(context, { session: 'alice', login_hint: 'bob' }, 'bob');
    expect(switched).toEqual({
      pages: [
        { username: 'alice', usernameEditable: false },
        { username: 'bob', usernameEditable: true },
      ],
      signedIn: ['bob'],
      at: '/callback',
    });
  });

  it('fails, naming the user, where the page re-authenticates another user and has no restart', async (context) => {
    await expect(signIn(context, { session: 'alice', login_hint: 'bob' }, 'bob', false)).rejects.toThrow(
      'the sign-in page asks only for the password of "alice", not of the test user "bob"',
    );
  });
});

describe('a sign-in the site refuses', () => {
  /**
   * The script's failure on `/auth?query` with `user`. Its step bound is 8 s: a wait that missed
   * the refusal would end in a timeout error, not in the site's words.
   */
  async function refusal(
    context: TestContext,
    query: Record<string, string>,
    user: { password?: string; oneTimeCode?: string },
  ) {
    const error = await signIn(context, query, 'bob', true, user).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    return { error: error as Error | undefined };
  }

  it("fails with the site's words when it refuses the password, not when the wait runs out", async (context) => {
    const { error } = await refusal(context, {}, { password: 'not-the-password' });
    expect(error).toBeInstanceOf(FormRefused);
    expect(error?.message).toBe(`the sign-in site refused the test user's sign-in: ${WRONG_PASSWORD}`);
    expect(signedIn).toEqual([]);
  });

  it("fails with the site's words when it refuses the one-time code", async (context) => {
    const { error } = await refusal(context, { otp: '1' }, { oneTimeCode: '135799' });
    expect(error?.message).toBe(`the sign-in site refused the test user's one-time code: ${WRONG_CODE}`);
    expect(signedIn).toEqual([]);
    // The control: the right code signs in.
    const right = await signIn(context, { otp: '1' }, 'bob');
    expect(right.signedIn).toEqual(['bob']);
    expect(right.at).toBe('/callback');
  });

  it("fails the login as a cell sees it: the site's words and the refused page's screenshot", async (context) => {
    if (browser.unavailableReason) {
      if (browserRequired) throw new Error(`required by OIDCFLOW_REQUIRE: ${browser.unavailableReason}`);
      context.skip(browser.unavailableReason);
    }
    const session = await browser.newSession();
    const failures: Error[] = [];
    try {
      const driver = browserLoginDriver({
        session,
        pages: formPageScript(site(true), { timeoutMs: 20_000, stepTimeoutMs: 8_000 }),
        user: { username: 'bob', password: 'not-the-password' },
        flowKind: 'browser',
        consent: 'approve',
        onFailure: (failure) => failures.push(failure),
      });
      await driver.openUrl(`${idpUrl}/auth?${new URLSearchParams({ redirect: `${callbackUrl}/callback` })}`);
      const failure = await driver.settled().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failures).toEqual([failure]);
      expect((failure as Error).message).toBe(
        `the sign-in-site page script failed: the sign-in site refused the test user's sign-in: ${WRONG_PASSWORD}`,
      );
      const evidence = PageScriptFailure.evidenceOf(failure);
      expect(evidence?.url).toBe(`${idpUrl}/login`);
      expect(evidence?.visibleText).toContain(WRONG_PASSWORD);
      expect(evidence?.screenshot?.length).toBeGreaterThan(1_000);
      expect(
        Buffer.from(evidence?.screenshot ?? [])
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    } finally {
      await session.close();
    }
  });

  it('passes the refusal text through the rule for outside text: one line, escaped, bounded', async (context) => {
    const { error } = await refusal(context, { feedback: 'hostile' }, { password: 'not-the-password' });
    const message = error?.message ?? '';
    expect(message).toMatch(
      /^the sign-in site refused the test user's sign-in: Refused\\u001b\]0;owned\\u0007/,
    );
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may be left.
    expect(message).not.toMatch(/[\u0000-\u001f]/);
    expect(message).toMatch(/… \(\d+ more characters\)$/);
    expect(message.length).toBeLessThan(1_200);
  });
});

describe('a page walk that runs out of time', () => {
  it("names the page by origin and path only: a login session's code in its query stays out of the error", async (context) => {
    if (browser.unavailableReason) {
      if (browserRequired) throw new Error(`required by OIDCFLOW_REQUIRE: ${browser.unavailableReason}`);
      context.skip(browser.unavailableReason);
    }
    const session = await browser.newSession();
    try {
      const page = await session.newPage();
      const sessionCode = 'fake-session-code-4f2a';
      await page.goto(`${idpUrl}/login-actions/authenticate?session_code=${sessionCode}&tab_id=t1#state`);
      const idpOrigin = new URL(idpUrl).origin;
      const error = await walkPages(
        page,
        { timeoutMs: 600, stepTimeoutMs: 200 },
        {
          idp: 'sign-in site',
          maxSteps: 1_000,
          isIdpOrigin: (origin) => origin === idpOrigin,
          pages: [['stuck', '#still-here']],
          answer: async () => 'next',
        },
      ).then(
        () => undefined,
        (failure: unknown) => failure as Error,
      );
      expect(error?.message).toBe(
        `the sign-in site pages did not finish within 600 ms (last at ${idpUrl}/login-actions/authenticate)`,
      );
      expect(error?.message).not.toContain(sessionCode);
    } finally {
      await session.close();
    }
  });
});
