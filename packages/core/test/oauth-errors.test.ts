import { describe, expect, it } from 'vitest';
import { ErrorCode, OidcflowError, toOidcflowError } from '../src/index.js';

const converted = (error: unknown) => toOidcflowError(error, 'refresh the token', 'device') as OidcflowError;

describe('toOidcflowError', () => {
  it('returns the OidcflowError core raised inside an openid-client error (unreachable IdP)', () => {
    const unreachable = new OidcflowError(
      ErrorCode.IDP_UNREACHABLE,
      'Cannot reach the IdP at http://127.0.0.1:1',
    );
    const wrapped = Object.assign(new Error('something went wrong', { cause: unreachable }), {
      name: 'OperationProcessingError',
    });
    expect(converted(wrapped)).toBe(unreachable);
  });

  it('an answer that failed validation names the check that failed', () => {
    const cause = new Error('"response" body "access_token" property must be a string');
    const invalid = Object.assign(new Error('invalid response encountered', { cause }), {
      name: 'OperationProcessingError',
      code: 'OAUTH_INVALID_RESPONSE',
    });
    const error = converted(invalid);
    expect(error.code).toBe(ErrorCode.TOKEN_RESPONSE_INVALID);
    expect(error.message).toContain('"access_token" property must be a string');
    expect(error.message).toContain('report it to its administrators');
  });

  it('an abort anywhere in the cause chain is LOGIN_ABORTED', () => {
    const abort = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    const error = converted(
      Object.assign(new Error('request failed', { cause: abort }), { name: 'TypeError' }),
    );
    expect(error.code).toBe(ErrorCode.LOGIN_ABORTED);
    expect(error.flow).toBe('device');
  });

  it('an OAuth error keeps error and description, access_denied is LOGIN_DENIED', () => {
    const body = Object.assign(new Error('server responded with an error'), {
      name: 'ResponseBodyError',
      error: 'access_denied',
      error_description: 'the user said no',
      status: 400,
    });
    const error = converted(body);
    expect(error.code).toBe(ErrorCode.LOGIN_DENIED);
    expect(error.oauthErrorDescription).toBe('the user said no');
    expect(error.status).toBe(400);
  });

  it('a WWW-Authenticate challenge (a 401 for a wrong client secret) is read like a JSON error', () => {
    const challenge = Object.assign(new Error('server responded with a challenge'), {
      name: 'WWWAuthenticateChallengeError',
      status: 401,
      cause: [
        {
          scheme: 'basic',
          parameters: {
            realm: 'x',
            error: 'invalid_client',
            error_description: 'client authentication failed',
          },
        },
      ],
    });
    const error = converted(challenge);
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.oauthError).toBe('invalid_client');
    expect(error.message).toContain('Check clientId and clientSecret');
    expect(error.status).toBe(401);
  });
});
