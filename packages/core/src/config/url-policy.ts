import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Parses an IdP URL given by the caller or the IdP and refuses what must not be used:
 * not absolute, not http(s), a fragment, or `http:` off loopback without the opt-in
 * (RFC 9700: tokens must not cross the network in clear text).
 */
export function parseIdpUrl(value: string, what: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `${what} "${value}" is not an absolute URL. Give the full URL, e.g. https://idp.example.com/realms/main.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `${what} "${value}" must use https: (got ${url.protocol}).`,
    );
  }
  if (url.hash) {
    throw new OidcflowError(ErrorCode.CONFIG_INVALID, `${what} "${value}" must not contain a fragment (#…).`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    throw new OidcflowError(
      ErrorCode.CONFIG_INSECURE_URL,
      `${what} "${value}" uses http: on a non-loopback host, which would send tokens in clear text. ` +
        'Use https:, or set allowInsecureHttp: true (OIDCFLOW_ALLOW_INSECURE_HTTP=1) for a test IdP only.',
    );
  }
  return url;
}

/** `~` and `~/…` → the home directory; other paths unchanged. */
export function expandHome(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return home + path.slice(1);
  return path;
}
