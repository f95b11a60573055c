import type { TokenSet } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import { authorizationScheme, formatTokens } from './token-formats.js';

const now = Date.UTC(2030, 0, 1, 12, 0, 0);
const tokens: TokenSet = {
  accessToken: 'access-token-for-tests',
  tokenType: 'bearer',
  expiresAt: now + 3_599_500,
  refreshToken: 'refresh-token-for-tests',
  idToken: 'header.payload.signature',
  scope: 'openid profile',
};

describe('formatTokens', () => {
  it('token: the access token and a newline, nothing else', () => {
    expect(formatTokens(tokens, 'token', { now, includeRefreshToken: false })).toBe(
      'access-token-for-tests\n',
    );
  });

  it('header: the scheme normalised to Bearer', () => {
    expect(formatTokens(tokens, 'header', { now, includeRefreshToken: false })).toBe(
      'Authorization: Bearer access-token-for-tests\n',
    );
    expect(authorizationScheme('DPoP')).toBe('DPoP');
  });

  it('json: the refresh token only when asked', () => {
    const plain = JSON.parse(formatTokens(tokens, 'json', { now, includeRefreshToken: false }));
    expect(plain).toEqual({
      access_token: 'access-token-for-tests',
      token_type: 'Bearer',
      expires_at: '2030-01-01T12:59:59Z',
      expires_in: 3599,
      scope: 'openid profile',
      id_token: 'header.payload.signature',
    });
    const withRefresh = JSON.parse(formatTokens(tokens, 'json', { now, includeRefreshToken: true }));
    expect(withRefresh.refresh_token).toBe('refresh-token-for-tests');
  });

  it('exec-credential: the v1 shape kubectl reads', () => {
    expect(JSON.parse(formatTokens(tokens, 'exec-credential', { now, includeRefreshToken: true }))).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: {},
      status: { token: 'access-token-for-tests', expirationTimestamp: '2030-01-01T12:59:59Z' },
    });
  });
});
