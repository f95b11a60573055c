import { ErrorCode, toOidcflowError } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import { asResponseBodyError } from './challenge-error.js';

function challengeError(parameters: Record<string, string>) {
  return Object.assign(new Error('server responded with a challenge in the WWW-Authenticate HTTP Header'), {
    name: 'WWWAuthenticateChallengeError',
    code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE',
    status: 401,
    cause: [{ scheme: 'basic', parameters: { realm: 'idp', ...parameters } }],
  });
}

describe('asResponseBodyError', () => {
  it("restates a challenge's OAuth error so core reports invalid_client as such", () => {
    const original = challengeError({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
    const converted = asResponseBodyError(original);
    expect(converted).toMatchObject({
      name: 'ResponseBodyError',
      error: 'invalid_client',
      error_description: 'client authentication failed',
      status: 401,
      cause: original,
    });
    const error = toOidcflowError(converted, 'issue a token') as { code: string; oauthError: string };
    expect(error.code).toBe(ErrorCode.TOKEN_REQUEST_FAILED);
    expect(error.oauthError).toBe('invalid_client');
  });

  it('passes other errors through unchanged', () => {
    const plain = new Error('socket hang up');
    expect(asResponseBodyError(plain)).toBe(plain);
    const withoutError = challengeError({});
    expect(asResponseBodyError(withoutError)).toBe(withoutError);
    expect(asResponseBodyError(undefined)).toBeUndefined();
  });
});
