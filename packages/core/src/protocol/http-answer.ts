import { causeChain } from '../errors/cause-chain.js';

/** The media type of a response (`application/json`), without parameters; `no content type` when absent. */
export function contentTypeOf(response: Pick<Response, 'headers'>): string {
  return response.headers.get('content-type')?.split(';')[0]?.trim() || 'no content type';
}

/** `application/json` or a `+json` type (`application/problem+json`). */
export function isJsonMediaType(mediaType: string): boolean {
  return /[/+]json\b/i.test(mediaType);
}

/** `text` as a JSON object; undefined for anything else (invalid JSON, an array, a string). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The HTTP response openid-client attached to a "not a conform response" error (a status or
 * content type that is no OAuth answer, e.g. a proxy's HTML error page).
 */
export function unexpectedResponse(error: unknown): Response | undefined {
  const outer = causeChain<{ code?: unknown; cause?: unknown }>(error)[0];
  if (outer?.code !== 'OAUTH_RESPONSE_IS_NOT_CONFORM' && outer?.code !== 'OAUTH_RESPONSE_IS_NOT_JSON') {
    return undefined;
  }
  // Duck-typed: core's fetch is undici's, whose Response is not necessarily the global class.
  const cause = outer.cause as Partial<Response> | undefined;
  return typeof cause?.status === 'number' && typeof cause.headers?.get === 'function'
    ? (cause as Response)
    : undefined;
}

/**
 * What to do about an answer that is no OAuth response: wait for a failing IdP (5xx, 429), else
 * check `settings` (the URLs the request went to) and any proxy.
 */
export function notOAuthAdvice(status: number, settings: string): string {
  return status >= 500 || status === 429
    ? 'The IdP or a proxy in front of it is failing; try again later, and tell its administrators if it persists.'
    : `Check ${settings} and any proxy in front of the IdP.`;
}
