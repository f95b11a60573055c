import { ErrorCode, isLoopbackHost, type LoginSettings, OidcflowError } from '@oidcflow/core';

export const DEFAULT_CALLBACK_PATH = '/callback';

/** Where the loopback listener binds and what redirect URI it answers to. */
export interface CallbackTarget {
  /** The address the listener binds (an IP literal, never a wildcard unless the caller opted in). */
  bindHost: string;
  /**
   * `localhost` in the redirect URI: the browser may resolve it to 127.0.0.1 or ::1, so the
   * listener also binds [::1] on the same port, or refuses to start when another process
   * holds it (that process would receive the authorization code).
   */
  bindsBothLoopbacks?: boolean;
  /** Requested port; 0 lets the OS choose. */
  port: number;
  /** Path of the redirect URI; every other path gets a 404. */
  path: string;
  /** The host as written in the redirect URI (`127.0.0.1`, `[::1]`, or the host of `redirectUri`). */
  uriHost: string;
  /** The option that set the port, named in errors so the user knows what to change. */
  portOption: 'callbackPort' | 'redirectUri';
}

function invalid(message: string): OidcflowError {
  return new OidcflowError(ErrorCode.CONFIG_INVALID, message, { flow: 'auth_code' });
}

function stripBrackets(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}

/**
 * `localhost` names loopback but is not an address to bind (RFC 8252 §8.3): bind its IPv4
 * twin, and [::1] as well (see `bindsBothLoopbacks`).
 */
function bindAddressFor(host: string): string {
  return isLocalhost(host) ? '127.0.0.1' : stripBrackets(host);
}

function isLocalhost(host: string): boolean {
  return stripBrackets(host).toLowerCase() === 'localhost';
}

function uriHostFor(host: string): string {
  const bare = stripBrackets(host);
  return bare.includes(':') ? `[${bare}]` : bare;
}

function checkLoopback(host: string, settings: LoginSettings, option: string): void {
  if (isLoopbackHost(host) || settings.allowNonLoopbackCallback) return;
  throw invalid(
    `${option} "${host}" is not a loopback address. The login listener only binds 127.0.0.1 or ::1 so ` +
      'that no other machine can send it a login response (RFC 8252). Use 127.0.0.1, or set ' +
      'allowNonLoopbackCallback: true if the browser really runs on another machine.',
  );
}

function checkPort(port: number, option: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw invalid(
      `${option} must be a whole number from 0 to 65535 (0 lets the system choose); got ${port}.`,
    );
  }
}

function targetFromRedirectUri(redirectUri: string, settings: LoginSettings): CallbackTarget {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw invalid(
      `redirectUri "${redirectUri}" is not an absolute URL. Give the URI registered with the IdP, ` +
        'e.g. http://127.0.0.1:8765/callback.',
    );
  }
  if (url.protocol !== 'http:') {
    throw invalid(
      `redirectUri "${redirectUri}" must use http: — the loopback listener serves no TLS, and ` +
        'RFC 8252 loopback redirects are plain http on 127.0.0.1.',
    );
  }
  if (url.search || url.hash) {
    throw invalid(
      `redirectUri "${redirectUri}" must not carry a query or a fragment; register a plain path.`,
    );
  }
  if (url.username || url.password) {
    throw invalid(`redirectUri "${redirectUri}" must not carry a user name or password.`);
  }
  checkLoopback(url.hostname, settings, 'The host of redirectUri');
  const port = url.port === '' ? 80 : Number(url.port);
  checkPort(port, 'The port of redirectUri');
  return {
    bindHost: bindAddressFor(url.hostname),
    ...(isLocalhost(url.hostname) ? { bindsBothLoopbacks: true } : {}),
    port,
    path: url.pathname || '/',
    uriHost: url.hostname,
    portOption: 'redirectUri',
  };
}

/** Resolves host, port and path from `redirectUri` when given, else `callbackHost`/`callbackPort`. */
export function callbackTarget(settings: LoginSettings): CallbackTarget {
  if (settings.redirectUri) return targetFromRedirectUri(settings.redirectUri, settings);
  const host = settings.callbackHost || '127.0.0.1';
  checkLoopback(host, settings, 'callbackHost');
  checkPort(settings.callbackPort, 'callbackPort');
  return {
    bindHost: bindAddressFor(host),
    ...(isLocalhost(host) ? { bindsBothLoopbacks: true } : {}),
    port: settings.callbackPort,
    path: DEFAULT_CALLBACK_PATH,
    uriHost: uriHostFor(host),
    portOption: 'callbackPort',
  };
}

/**
 * The redirect URI sent to the IdP, with the port the listener actually got. Normalised as
 * WHATWG URL does, because openid-client sends the callback URL's normalised form in the
 * code exchange and both must be the same string.
 */
export function redirectUriFor(target: CallbackTarget, boundPort: number): string {
  return new URL(`http://${target.uriHost}:${boundPort}${target.path}`).href;
}
