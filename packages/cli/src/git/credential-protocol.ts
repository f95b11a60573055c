/**
 * git's credential-helper protocol (gitcredentials(7), git-credential(1)): `key=value` lines on
 * stdin, ended by a blank line or end of input; the answer is the same form on stdout.
 */

/** The attributes git sends. `password` is present in `erase` and `store`. */
export type CredentialRequest = Record<string, string>;

/** At most this much is read: a request is a handful of short lines. */
const MAX_REQUEST_BYTES = 64 * 1024;

export function parseCredentialRequest(text: string): CredentialRequest {
  const request: CredentialRequest = {};
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed === '') break;
    const equals = trimmed.indexOf('=');
    if (equals <= 0) continue;
    request[trimmed.slice(0, equals)] = trimmed.slice(equals + 1);
  }
  return request;
}

/** Reads git's request from `stdin` until a blank line or the end of input. */
export async function readCredentialRequest(stdin: NodeJS.ReadableStream): Promise<CredentialRequest> {
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (/(^|\n)\r?\n/.test(text) || text.length > MAX_REQUEST_BYTES) break;
  }
  return parseCredentialRequest(text);
}

/** The answer to `get`; a value holding a newline would break the protocol, so it is refused. */
export function formatCredentialAnswer(answer: Record<string, string>): string {
  return Object.entries(answer)
    .map(([name, value]) => {
      if (/[\n\0]/.test(value)) throw new Error(`the ${name} for git holds a newline`);
      return `${name}=${value}\n`;
    })
    .join('');
}

/** Whether a token may be sent to this host: over HTTPS, or plain HTTP to this machine only. */
export function mayReceiveToken(request: CredentialRequest): boolean {
  if (request.protocol === 'https') return true;
  const host = (request.host ?? '').replace(/:\d+$/, '');
  return request.protocol === 'http' && (host === '127.0.0.1' || host === 'localhost' || host === '[::1]');
}

/**
 * A host as git names it in a request: lower case, with `:port` when git sends one (a
 * non-default port); an entry given as a URL (`https://git.example.com`) counts by its host.
 */
function normalizeGitHost(entry: string): string {
  const trimmed = entry.trim().toLowerCase();
  let host = trimmed;
  if (trimmed.includes('://')) {
    try {
      host = new URL(trimmed).host;
    } catch {
      // Not a URL after all: compared as written, so it matches nothing git sends.
    }
  }
  return host.replace(/\.$/, '');
}

/**
 * Whether git asked about one of `allowedHosts` (`--host`, OIDCFLOW_GIT_HOSTS): the exact
 * host and port, nothing else — not a subdomain, not another port. A helper configured for every
 * host (`credential.helper` without a URL) is asked about every submodule's and every
 * `lfs.url`'s host a repository names; the token must go only where the user meant.
 */
export function isAllowedHost(request: CredentialRequest, allowedHosts: readonly string[]): boolean {
  const host = normalizeGitHost(request.host ?? '');
  return host !== '' && allowedHosts.some((allowed) => normalizeGitHost(allowed) === host);
}
