import type { ServerResponse } from 'node:http';
import escapeHtml from 'escape-html';

/**
 * Headers of every page the listener serves. The page loads nothing (CSP), leaks no
 * callback URL (it holds the code) through the Referer, and is never cached.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // No keep-alive: a lingering browser connection must not keep the CLI process alive.
  Connection: 'close',
};

export type PageTone = 'success' | 'failure';

export interface ResultPage {
  tone: PageTone;
  /** One line, shown large. */
  title: string;
  /** Sentences under the title. */
  lines: readonly string[];
  /** Shown in a monospace box: the IdP's error code and description. */
  detail?: string;
}

const STYLE = `
  :root { color-scheme: light dark; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
    font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    background: #f4f5f7; color: #1f2328; }
  main { max-width: 32rem; margin: 1.5rem; padding: 2rem 2.25rem; background: #fff;
    border-radius: 12px; box-shadow: 0 1px 3px rgba(0,0,0,.12), 0 8px 24px rgba(0,0,0,.06);
    border-top: 6px solid var(--accent); }
  .success { --accent: #1a7f37; }
  .failure { --accent: #cf222e; }
  .mark { display: inline-flex; width: 2.5rem; height: 2.5rem; border-radius: 50%; align-items: center;
    justify-content: center; color: #fff; background: var(--accent); font-size: 1.4rem; font-weight: 700; }
  h1 { font-size: 1.35rem; margin: .9rem 0 .5rem; }
  p { margin: .4rem 0; color: #444c56; }
  pre { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; border: 1px solid #d0d7de;
    border-radius: 6px; padding: .75rem 1rem; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
  footer { margin-top: 1.25rem; font-size: 12px; color: #6e7781; }
  @media (prefers-color-scheme: dark) {
    body { background: #0d1117; color: #e6edf3; }
    main { background: #161b22; }
    p { color: #adbac7; }
    pre { background: #0d1117; border-color: #30363d; }
  }
`;

/** A self-contained page: inline CSS, no script, no image, no link. */
export function renderResultPage(page: ResultPage): string {
  const mark = page.tone === 'success' ? '&#10003;' : '!';
  const lines = page.lines.map((line) => `    <p>${escapeHtml(line)}</p>`).join('\n');
  const detail = page.detail ? `\n    <pre>${escapeHtml(page.detail)}</pre>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>${escapeHtml(page.title)}</title>
  <style>${STYLE}</style>
</head>
<body>
  <main class="${page.tone}">
    <div class="mark" aria-hidden="true">${mark}</div>
    <h1>${escapeHtml(page.title)}</h1>
${lines}${detail}
    <footer>oidcflow</footer>
  </main>
</body>
</html>
`;
}

/**
 * Sends `page` and resolves once it was handed to the socket, or once the connection closed:
 * a browser tab closed mid-login never emits 'finish', and must not keep the login waiting.
 */
export function sendPage(response: ServerResponse, status: number, page: ResultPage): Promise<void> {
  const body = renderResultPage(page);
  return new Promise((resolve) => {
    if (response.destroyed || response.writableEnded) {
      resolve();
      return;
    }
    response.once('close', () => resolve());
    response.writeHead(status, { ...PAGE_HEADERS, 'Content-Length': Buffer.byteLength(body) });
    response.end(body, () => resolve());
  });
}

// --- The pages oidcflow shows ---

export function successPage(issuerHost: string): ResultPage {
  return {
    tone: 'success',
    title: 'Login succeeded',
    lines: [`You are signed in at ${issuerHost}.`, 'You can close this window and return to the terminal.'],
  };
}

/** The IdP answered with an error, or the code exchange failed. */
export function failurePage(summary: string, detail?: string): ResultPage {
  return {
    tone: 'failure',
    title: 'Login failed',
    lines: [summary, 'You can close this window; the terminal says what to do next.'],
    ...(detail ? { detail } : {}),
  };
}

export function invalidCallbackPage(reason: string): ResultPage {
  return {
    tone: 'failure',
    title: 'This is not the expected login response',
    lines: [reason, 'It was ignored. If a login is running, finish it in the window it opened.'],
  };
}

export const NOT_FOUND_PAGE: ResultPage = {
  tone: 'failure',
  title: 'Not found',
  lines: ['This address only receives the login response.'],
};

export const MISDIRECTED_PAGE: ResultPage = {
  tone: 'failure',
  title: 'Not for this address',
  lines: [
    'This request names another host than the login redirect address, so it was refused.',
    'If a login is running, finish it in the window it opened.',
  ],
};

export const METHOD_NOT_ALLOWED_PAGE: ResultPage = {
  tone: 'failure',
  title: 'Method not allowed',
  lines: ['The login response arrives as a GET request.'],
};
