import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Who a URL is for, in the words of the errors about it. */
export interface UrlSubject {
  /** The setting, as the user knows it: `issuer`, `allowedOrigins entry`. */
  what: string;
  /** What a good value looks like, after "Give …". */
  example: string;
  /** Where an `http:` URL would send tokens, for the error that refuses it. */
  receiver: string;
  /** A `#fragment` is refused unless this is set (an origin ignores it). */
  allowFragment?: boolean;
}

/**
 * Parses a URL that tokens go to or come from, and refuses what must not be used: not
 * absolute, not http(s), a fragment, or `http:` off loopback without the opt-in (RFC 9700:
 * tokens must not cross the network in clear text). The one check for IdP URLs and API origins.
 */
export function parseTokenUrl(value: string, subject: UrlSubject, allowInsecureHttp: boolean): URL {
  // Only for a refusal: escaping runs terminal-text's regular expression, whose first use in a
  // process compiles it (≈ 0.2 ms CPU of every new-process cache hit, which checks the issuer).
  const named = () => `${subject.what} "${terminalText(value)}"`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OidcflowError(
      ErrorCode.CONFIG_INVALID,
      `${named()} is not an absolute URL. Give ${subject.example}.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OidcflowError(ErrorCode.CONFIG_INVALID, `${named()} must use https: (got ${url.protocol}).`);
  }
  if (url.hash && !subject.allowFragment) {
    throw new OidcflowError(ErrorCode.CONFIG_INVALID, `${named()} must not contain a fragment (#…).`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    throw new OidcflowError(
      ErrorCode.CONFIG_INSECURE_URL,
      `${named()} uses http: on a non-loopback host, which would send tokens in clear text. ` +
        `Use https:, or set allowInsecureHttp: true (OIDCFLOW_ALLOW_INSECURE_HTTP=1) for ${subject.receiver} only.`,
    );
  }
  return url;
}

/** `parseTokenUrl` for a URL of the IdP (issuer, endpoints, the server source) named `what`. */
export function parseIdpUrl(value: string, what: string, allowInsecureHttp: boolean): URL {
  return parseTokenUrl(
    value,
    { what, example: 'the full URL, e.g. https://idp.example.com/realms/main', receiver: 'a test IdP' },
    allowInsecureHttp,
  );
}
