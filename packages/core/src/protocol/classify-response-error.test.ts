import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { classifyPollError as classify } from './classify-response-error.js';

const classifyPollError = (error: unknown) => classify(error, 'device');

/** The shape of openid-client's ResponseBodyError for an OAuth error body. */
function responseBodyError(error: string, description?: string) {
  return Object.assign(new Error('server responded with an error in the response body'), {
    name: 'ResponseBodyError',
    error,
    status: 400,
    ...(description ? { error_description: description } : {}),
  });
}

/** openid-client's ClientError for a response that is no OAuth answer, with the response as cause. */
function notConform(status: number, contentType: string, headers: Record<string, string> = {}) {
  const response = new Response('<html>busy</html>', {
    status,
    headers: { 'content-type': contentType, ...headers },
  });
  return Object.assign(new Error('unexpected HTTP response status code', { cause: response }), {
    name: 'ClientError',
    code: 'OAUTH_RESPONSE_IS_NOT_CONFORM',
  });
}

/** What openid-client makes of an error thrown by core's fetch. */
function wrapped(cause: unknown) {
  return Object.assign(new Error('something went wrong', { cause }), { name: 'ClientError' });
}

describe('classifyPollError (what pollDeviceAuthorization makes of a failed poll)', () => {
  it('keeps polling on authorization_pending and slows down on slow_down', () => {
    expect(classifyPollError(responseBodyError('authorization_pending')).kind).toBe('authorization_pending');
    expect(classifyPollError(responseBodyError('slow_down')).kind).toBe('slow_down');
  });

  it('backs off when the IdP cannot be reached', () => {
    const unreachable = new OidcflowError(ErrorCode.IDP_UNREACHABLE, 'Cannot reach the IdP');
    expect(classifyPollError(wrapped(unreachable))).toEqual({ kind: 'unreachable', error: unreachable });
    const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    expect(classifyPollError(wrapped(reset)).kind).toBe('unreachable');
    expect(
      classifyPollError(Object.assign(new Error('operation timed out'), { code: 'OAUTH_TIMEOUT' })).kind,
    ).toBe('unreachable');
  });

  it('does not retry an untrusted certificate: waiting does not fix it', () => {
    const untrusted = new OidcflowError(ErrorCode.IDP_TLS_UNTRUSTED, 'not trusted');
    const failure = classifyPollError(wrapped(untrusted));
    expect(failure).toEqual({ kind: 'fatal', error: untrusted });
  });

  it('treats a 5xx without an OAuth body as the IdP being unavailable, with Retry-After', () => {
    const failure = classifyPollError(notConform(503, 'text/html', { 'retry-after': '20' }));
    expect(failure.kind).toBe('unavailable');
    if (failure.kind === 'unavailable') {
      expect(failure.status).toBe(503);
      expect(failure.contentType).toBe('text/html');
      expect(failure.retryAfterSeconds).toBe(20);
      expect((failure.error as OidcflowError).code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    }
  });

  it("treats a rate limiter's 429 like a server failure", () => {
    expect(classifyPollError(notConform(429, 'text/plain')).kind).toBe('unavailable');
  });

  it('ends the login on a 4xx that is no OAuth answer, naming status and content type', () => {
    const failure = classifyPollError(notConform(404, 'text/html'));
    expect(failure.kind).toBe('fatal');
    const error = (failure as { error: OidcflowError }).error;
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.status).toBe(404);
    expect(error.message).toContain('HTTP 404 (text/html)');
    expect(error.message).not.toContain('busy');
  });

  it('maps expired_token, access_denied and other errors to distinct codes with the description', () => {
    const expired = classifyPollError(responseBodyError('expired_token', 'too late'));
    const denied = classifyPollError(responseBodyError('access_denied', 'user said no'));
    const other = classifyPollError(responseBodyError('invalid_client', 'unknown client'));
    const codeOf = (failure: ReturnType<typeof classifyPollError>) =>
      (failure as { error: OidcflowError }).error.code;
    expect(codeOf(expired)).toBe(ErrorCode.DEVICE_CODE_EXPIRED);
    expect(codeOf(denied)).toBe(ErrorCode.LOGIN_DENIED);
    expect(codeOf(other)).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    for (const [failure, description] of [
      [expired, 'too late'],
      [denied, 'user said no'],
      [other, 'unknown client'],
    ] as const) {
      const error = (failure as { error: OidcflowError }).error;
      expect(error.oauthErrorDescription).toBe(description);
      expect(error.message).toContain(description);
      expect(error.flow).toBe('device');
    }
  });
});
