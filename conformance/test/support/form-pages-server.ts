import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small sign-in site written the way many real IdPs' pages are, not the way a script would
 * like: the password input has no `type`, fields are found by their labels, the device code
 * field by its placeholder and autocomplete, decoys (a search box, "remember me") sit beside
 * them. Each page posts back to the server and redirects as an IdP does.
 */
export interface FormPagesOptions {
  user: { username: string; password: string };
  /** `submit-ignored`: the sign-in form's submit is swallowed by script (the page never moves). */
  loginBehaviour?: 'normal' | 'submit-ignored';
  /** The user approved this client before: no consent page, the login goes straight back. */
  consentRemembered?: boolean;
}

export interface FormPagesServer {
  origin: string;
  /** The client's loopback callback (another origin) and what reached it. */
  callbackOrigin: string;
  callbacks: URL[];
  /** Sign-in attempts as the server received them (user name, whether the password matched). */
  signIns: Array<{ username: string; passwordMatched: boolean }>;
  /** Device codes the server accepted. */
  deviceCodes: string[];
  /** The authorization URL for a login that returns to the callback. */
  authorizationUrl(state: string): string;
  /** The device verification page (the user types the code). */
  verificationUrl: string;
  /** The code a device verification must enter. */
  userCode: string;
  close(): Promise<void>;
}

const USER_CODE = 'WDJB-MJHT';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font:15px system-ui,sans-serif;margin:2em}label{display:block;margin-top:.8em}.form-error{color:#b00}</style>
</head><body><header><input name="q" placeholder="Search help" aria-label="Search help"></header>
<main><h1>${title}</h1>${body}</main></body></html>`;
}

function loginPage(next: string, error: string | undefined, ignoreSubmit: boolean): string {
  const script = ignoreSubmit
    ? `<script>document.querySelector('form').addEventListener('submit', (event) => {
        event.preventDefault();
        document.getElementById('status').textContent = 'Our sign-in service is unavailable right now.';
      });</script>`
    : '';
  return page(
    'Sign in to Example ID',
    `<form method="post" action="/login">
  <input type="hidden" name="next" value="${next}">
  ${error ? `<p class="form-error" role="alert">${error}</p>` : ''}
  <p id="status" class="status-error"></p>
  <label for="who">Email address</label><input id="who" name="identifier" autocomplete="off">
  <label for="secret">Password</label><input id="secret" name="secret">
  <label><input type="checkbox" name="remember"> Remember me</label>
  <button>Sign in</button>
  <a href="/help">Forgot your password?</a>
</form>${script}`,
  );
}

function consentPage(next: string): string {
  return page(
    'Allow access?',
    `<p>Example CLI wants to read your profile.</p>
<form method="post" action="/consent"><input type="hidden" name="next" value="${next}">
  <button name="decision" value="deny" class="secondary">Deny</button>
  <button name="decision" value="allow">Allow access</button>
</form>`,
  );
}

function devicePage(error?: string): string {
  return page(
    'Connect a device',
    `<form method="post" action="/device">
  ${error ? `<p role="alert">${error}</p>` : ''}
  <label>Enter the code shown on your device
    <input name="entry" placeholder="XXXX-XXXX" autocomplete="one-time-code"></label>
  <input type="submit" value="Next">
</form>`,
  );
}

async function formBody(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startFormPagesServer(options: FormPagesOptions): Promise<FormPagesServer> {
  const callbacks: URL[] = [];
  const signIns: FormPagesServer['signIns'] = [];
  const deviceCodes: string[] = [];
  const callback = createServer((request, response) => {
    callbacks.push(new URL(request.url ?? '/', 'http://127.0.0.1'));
    response.setHeader('content-type', 'text/html');
    response.end('<h1>You can close this window.</h1>');
  });
  const callbackOrigin = await listen(callback);
  const html = (response: ServerResponse, body: string, status = 200) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    response.end(body);
  };
  const redirect = (response: ServerResponse, location: string) => {
    response.writeHead(303, { location });
    response.end();
  };
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    try {
      if (request.method === 'GET' && url.pathname === '/authorize') {
        const next = `${callbackOrigin}/callback?state=${encodeURIComponent(url.searchParams.get('state') ?? '')}`;
        return html(response, loginPage(next, undefined, options.loginBehaviour === 'submit-ignored'));
      }
      if (request.method === 'POST' && url.pathname === '/login') {
        const form = await formBody(request);
        const next = form.get('next') ?? '';
        const username = form.get('identifier') ?? '';
        const passwordMatched = form.get('secret') === options.user.password;
        signIns.push({ username, passwordMatched });
        if (username !== options.user.username || !passwordMatched)
          return html(response, loginPage(next, 'Incorrect email or password.', false));
        if (options.consentRemembered && next.startsWith(callbackOrigin))
          return redirect(response, `${next}&code=example-code`);
        return redirect(response, `/consent?next=${encodeURIComponent(next)}`);
      }
      if (request.method === 'GET' && url.pathname === '/consent')
        return html(response, consentPage(url.searchParams.get('next') ?? ''));
      if (request.method === 'POST' && url.pathname === '/consent') {
        const form = await formBody(request);
        const next = new URL(form.get('next') ?? '', 'http://127.0.0.1');
        const allowed = form.get('decision') === 'allow';
        if (next.pathname === '/device/done')
          return redirect(response, `/device/done?result=${allowed ? 'approved' : 'denied'}`);
        if (allowed) next.searchParams.set('code', 'example-code');
        else next.searchParams.set('error', 'access_denied');
        return redirect(response, next.href);
      }
      if (request.method === 'GET' && url.pathname === '/device') return html(response, devicePage());
      if (request.method === 'POST' && url.pathname === '/device') {
        const code = (await formBody(request)).get('entry') ?? '';
        if (code.toUpperCase() !== USER_CODE) return html(response, devicePage('That code is not valid.'));
        deviceCodes.push(code);
        return html(response, loginPage('/device/done', undefined, false));
      }
      if (request.method === 'GET' && url.pathname === '/device/done') {
        const approved = url.searchParams.get('result') === 'approved';
        return html(
          response,
          page(
            approved ? 'Device connected' : 'Access was not granted',
            approved ? '<p>You can return to your device.</p>' : '<p>The request was denied.</p>',
          ),
        );
      }
      return html(response, page('Not found', '<p>No such page.</p>'), 404);
    } catch (error) {
      return html(response, page('Error', String(error)), 500);
    }
  });
  const origin = await listen(server);
  return {
    origin,
    callbackOrigin,
    callbacks,
    signIns,
    deviceCodes,
    authorizationUrl: (state) => `${origin}/authorize?state=${encodeURIComponent(state)}`,
    verificationUrl: `${origin}/device`,
    userCode: USER_CODE,
    close: async () => {
      await Promise.all([close(server), close(callback)]);
    },
  };
}
