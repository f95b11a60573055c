import { contentTypeOf, parseJsonObject } from './http-answer.js';

// Error responses whose OAuth error openid-client does not read (a 5xx JSON body), read here
// so that the error conversion, which is synchronous, can still report the IdP's words.

export interface OAuthErrorDetails {
  error: string;
  description?: string;
  /** The HTTP status, where the error came in a response openid-client did not read. */
  status?: number;
}

/**
 * Where an OAuth error read from a response openid-client does not read it from (a 5xx, or a
 * 4xx without an `application/json` content type, whose body is `{"error": …}`) is kept: on
 * that response itself, which openid-client attaches to its "unexpected HTTP response" error.
 * A registered symbol, not module state: the lazily loaded session that writes it and the
 * entry's error conversion that reads it may each hold a copy of this module
 * (scripts/bundle-package.mjs copies stateless helpers into the lazy side), and both must meet.
 */
const UNREAD_OAUTH_ERROR = Symbol.for('oidcflow.unreadOAuthError');

/** The OAuth error `keepOAuthErrorBody` read from this response, if it read one. */
export function unreadOAuthError(response: unknown): OAuthErrorDetails | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const details = (response as { [UNREAD_OAUTH_ERROR]?: unknown })[UNREAD_OAUTH_ERROR];
  return isOAuthErrorDetails(details) ? details : undefined;
}

function isOAuthErrorDetails(value: unknown): value is OAuthErrorDetails {
  return (
    typeof value === 'object' && value !== null && typeof (value as OAuthErrorDetails).error === 'string'
  );
}

/** The statuses and content types for which oauth4webapi reads the OAuth error itself. */
function readByOpenIdClient(response: Response): boolean {
  const contentType = contentTypeOf(response).toLowerCase();
  return response.status >= 400 && response.status < 500 && contentType === 'application/json';
}

/**
 * For an error response: reads its body and, when it is a JSON OAuth error, remembers the
 * `error` and `error_description`, so that the error openid-client raises for it reports the
 * IdP's words (a `server_error` with "user not found" on an HTTP 500 is an answer, not an
 * outage). Returns an equivalent response for openid-client to read; others pass unchanged.
 */
export async function keepOAuthErrorBody(response: Response): Promise<Response> {
  // `new Response` takes 200–599 only; anything else is left to openid-client as it is.
  if (response.status < 400 || response.status > 599 || readByOpenIdClient(response) || !response.body) {
    return response;
  }
  const text = await response.text();
  const copy = new Response(text, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  const details = parseOAuthErrorBody(text);
  if (details) {
    // Not enumerable, not writable: invisible to code that walks or copies the response.
    Object.defineProperty(copy, UNREAD_OAUTH_ERROR, {
      value: Object.freeze({ ...details, status: response.status }),
    });
  }
  return copy;
}

function parseOAuthErrorBody(text: string): OAuthErrorDetails | undefined {
  const { error, error_description: description } = parseJsonObject(text) ?? {};
  if (typeof error !== 'string' || error === '') return undefined;
  return { error, ...(typeof description === 'string' && description ? { description } : {}) };
}
