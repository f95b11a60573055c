// What the form page script reports of a sign-in page (the login request scenarios read the
// IdP's pages with it), against a sign-in site of our own in real Chromium: a user name field
// pre-filled from login_hint, and a re-authentication page in Keycloak's shape (the session's
// user named in a read-only field, a password field, "restart login") for the same user and for
// another one.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { BrowserProvider } from '../src/browser-bridge/browser-provider.js';
import { launchChromium } from '../src/browser-bridge/chromium.js';
import { type FormIdp, formPageScript } from '../src/browser-bridge/form-pages.js';
import type { SignInPage } from '../src/browser-bridge/page-script.js';

const browserRequired = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').includes('browser');
const PASSWORD = 'fake-password-sign-in-pages';

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
      ...(restart ? { restartLogin: '#reset-login' } : {}),
      loginSubmit: 'button#kc-login',
      deviceForm: '#no-device-form',
      deviceCode: '#no-device-code',
      deviceSubmit: '#no-device-submit',
      consentForm: '#no-consent-form',
      consentApprove: '#no-approve',
      consentDeny: '#no-deny',
      error: '#kc-error-message',
      feedback: '#input-error',
    },
    order: ['error', 'login'],
    maxSteps: 4,
    consentHint: 'asks for none',
    informationPageEnds: false,
  };
}

/**
 * The sign-in site: `/auth?login_hint=&session=&redirect=` shows the sign-in form (pre-filled
 * from login_hint), or, with `session`, the re-authentication of that user; `/restart` drops the
 * session. A right password redirects to `redirect` (another origin: the client's callback).
 */
let idp: Server;
let callback: Server;
let idpUrl: string;
let callbackUrl: string;
const signedIn: string[] = [];

function html(response: ServerResponse, body: string) {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end(`<!doctype html><html><body>${body}</body></html>`);
}

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function form(username: string, session: string, redirect: string): string {
  const who = session
    ? `<input id="kc-attempted-username" value="${escapeHtml(session)}" readonly>
       <button id="reset-login" type="button" onclick="location.href='/restart?${new URLSearchParams({ hint: username, redirect })}'">Restart login</button>
       <input type="hidden" name="username" value="${escapeHtml(session)}">`
    : `<label>User name <input id="username" name="username" value="${escapeHtml(username)}"></label>`;
  return `<form id="kc-form-login" method="post" action="/login">${who}
    <input type="hidden" name="redirect" value="${escapeHtml(redirect)}">
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
      const redirect = url.searchParams.get('redirect') ?? '';
      return html(
        response,
        form(url.searchParams.get('login_hint') ?? '', url.searchParams.get('session') ?? '', redirect),
      );
    }
    if (url.pathname === '/restart') {
      const redirect = url.searchParams.get('redirect') ?? '';
      return html(response, form(url.searchParams.get('hint') ?? '', '', redirect));
    }
    if (url.pathname === '/login' && request.method === 'POST') {
      void body(request).then((fields) => {
        if (fields.get('password') !== PASSWORD)
          return html(response, `${form('', '', '')}<p id="input-error">wrong</p>`);
        signedIn.push(fields.get('username') ?? '');
        response.writeHead(302, { location: fields.get('redirect') ?? '/' });
        response.end();
      });
      return;
    }
    response.writeHead(404).end();
  });
  callback = createServer((_request, response) => html(response, '<p>Login succeeded</p>'));
  [idpUrl, callbackUrl, browser] = await Promise.all([listen(idp), listen(callback), launchChromium()]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all([idp, callback].map((server) => new Promise((resolve) => server?.close(resolve))));
});

/** Runs the form script on `/auth?query` as `username`; what it reported and whom the site signed in. */
async function signIn(context: TestContext, query: Record<string, string>, username: string, restart = true) {
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
      user: { username, password: PASSWORD },
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
