import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TestUser } from '@oidcflow/conformance/targets';
import { listenOnLoopback } from '@oidcflow/test-idp';
import escapeHtml from 'escape-html';
import type { HydraAdmin } from './admin-api.js';

/**
 * Hydra has no user interface of its own: it redirects to a login and a consent app that
 * accept or reject its challenges through the admin API. This is that app for the harness,
 * with real forms (the browser fills them in like a user would) and one test user.
 */
export interface LoginConsentApp {
  /** http://127.0.0.1:<port> */
  url: string;
  loginUrl: string;
  consentUrl: string;
  errorUrl: string;
  /** Sets the admin API once Hydra runs (Hydra needs the app's URLs before it starts). */
  connect(admin: HydraAdmin): void;
  close(): Promise<void>;
}

/** Element ids the page script (hydra-pages.ts) relies on. */
export const APP_SELECTORS = {
  loginForm: 'form#oidcflow-login',
  username: 'input#username',
  password: 'input#password',
  signIn: 'button#sign-in',
  consentForm: 'form#oidcflow-consent',
  allow: 'button#allow',
  deny: 'button#deny',
  errorPage: '#oidcflow-error',
  feedback: '.feedback',
} as const;

const MAX_BODY_BYTES = 16_384;

export async function startLoginConsentApp(user: TestUser): Promise<LoginConsentApp> {
  let admin: HydraAdmin | undefined;
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        page(response, 500, 'Error', errorBody(`The login app failed: ${(error as Error).message}`));
      else response.destroy();
    });
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/error') {
      const error = url.searchParams.get('error') ?? 'unknown_error';
      const description = url.searchParams.get('error_description') ?? '';
      return page(response, 200, 'Error', errorBody(`${error}: ${description}`));
    }
    if (!admin) return page(response, 503, 'Not ready', errorBody('Hydra has not started yet.'));
    if (url.pathname === '/login' && request.method === 'GET') {
      const challenge = url.searchParams.get('login_challenge') ?? '';
      const login = await admin.loginRequest(challenge);
      // Hydra already knows the user (a remembered session): it only wants the accept.
      if (login.skip)
        return redirect(response, (await admin.acceptLogin(challenge, login.subject)).redirect_to);
      // Hydra hands the request's login_hint on; a login UI pre-fills the user name with it.
      const hint = login.oidc_context?.login_hint ?? '';
      return page(
        response,
        200,
        'Sign in',
        loginBody(challenge, login.client?.client_id ?? '', undefined, hint),
      );
    }
    if (url.pathname === '/login' && request.method === 'POST') {
      const form = await readForm(request);
      const challenge = form.get('challenge') ?? '';
      if (form.get('username') !== user.username || form.get('password') !== user.password) {
        const login = await admin.loginRequest(challenge);
        return page(
          response,
          200,
          'Sign in',
          loginBody(challenge, login.client?.client_id ?? '', 'The user name or password is wrong.'),
        );
      }
      return redirect(response, (await admin.acceptLogin(challenge, user.username)).redirect_to);
    }
    if (url.pathname === '/consent' && request.method === 'GET') {
      const challenge = url.searchParams.get('consent_challenge') ?? '';
      const consent = await admin.consentRequest(challenge);
      if (consent.skip) {
        return redirect(
          response,
          (await admin.acceptConsent(challenge, consent, claimsOf(user))).redirect_to,
        );
      }
      return page(response, 200, 'Allow access?', consentBody(challenge, consent));
    }
    if (url.pathname === '/consent' && request.method === 'POST') {
      const form = await readForm(request);
      const challenge = form.get('challenge') ?? '';
      if (form.get('decision') === 'allow') {
        const consent = await admin.consentRequest(challenge);
        return redirect(
          response,
          (await admin.acceptConsent(challenge, consent, claimsOf(user))).redirect_to,
        );
      }
      return redirect(response, (await admin.rejectConsent(challenge)).redirect_to);
    }
    return page(response, 404, 'Not found', errorBody('No such page.'));
  };

  const listening = await listenOnLoopback(server);
  const url = `http://127.0.0.1:${listening.port}`;
  return {
    url,
    loginUrl: `${url}/login`,
    consentUrl: `${url}/consent`,
    errorUrl: `${url}/error`,
    connect(value) {
      admin = value;
    },
    close: listening.close,
  };
}

function claimsOf(user: TestUser): Record<string, unknown> {
  return { preferred_username: user.username, name: 'oidcflow test user' };
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('the form is too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location, 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' });
  response.end();
}

function page(response: ServerResponse, status: number, title: string, body: string): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    // Nothing is loaded from anywhere; the forms post to this app only.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  response.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} — oidcflow test IdP (Ory Hydra)</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  );
}

function loginBody(challenge: string, clientId: string, feedback?: string, username = ''): string {
  return `<p>Sign in to continue to <code>${escapeHtml(clientId)}</code>.</p>${feedback ? `<p class="feedback" role="alert">${escapeHtml(feedback)}</p>` : ''}
<form id="oidcflow-login" method="post" action="/login">
<input type="hidden" name="challenge" value="${escapeHtml(challenge)}">
<label>User name <input id="username" name="username" value="${escapeHtml(username)}" autocomplete="username" required></label>
<label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
<button id="sign-in" type="submit">Sign in</button>
</form>`;
}

function consentBody(challenge: string, consent: Awaited<ReturnType<HydraAdmin['consentRequest']>>): string {
  const scopes = (consent.requested_scope ?? []).map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  const audience = (consent.requested_access_token_audience ?? []).join(', ');
  return `<p><code>${escapeHtml(consent.client?.client_id ?? '')}</code> asks for:</p><ul>${scopes}</ul>${audience ? `<p>Audience: ${escapeHtml(audience)}</p>` : ''}
<form id="oidcflow-consent" method="post" action="/consent">
<input type="hidden" name="challenge" value="${escapeHtml(challenge)}">
<button id="allow" type="submit" name="decision" value="allow">Allow</button>
<button id="deny" type="submit" name="decision" value="deny">Deny</button>
</form>`;
}

function errorBody(message: string): string {
  return `<p id="oidcflow-error" role="alert">${escapeHtml(message)}</p>`;
}
