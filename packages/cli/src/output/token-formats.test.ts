import type { TokenSet } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import { defaultTokenType } from '../commands/token.js';
import { authorizationScheme, formatTokens, TOKEN_OUTPUTS } from './token-formats.js';

const now = Date.UTC(2030, 0, 1, 12, 0, 0);
const idTokenExp = Math.floor(now / 1000) + 300;
const tokens: TokenSet = {
  accessToken: 'access-token-for-tests',
  tokenType: 'bearer',
  expiresAt: now + 3_599_500,
  refreshToken: 'refresh-token-for-tests',
  idToken: 'header.payload.signature',
  idTokenClaims: { iss: 'https://idp.example.test', sub: 'alice', exp: idTokenExp },
  scope: 'openid profile',
};
const base = { now, includeRefreshToken: false };

describe('formatTokens', () => {
  it('token: the access token and a newline, nothing else', () => {
    expect(formatTokens(tokens, 'token', base)).toBe('access-token-for-tests\n');
  });

  it('header: the scheme normalised to Bearer', () => {
    expect(formatTokens(tokens, 'header', base)).toBe('Authorization: Bearer access-token-for-tests\n');
    expect(authorizationScheme('DPoP')).toBe('DPoP');
    expect(authorizationScheme('dpop')).toBe('DPoP');
  });

  it('json: both tokens with their expiries; the refresh token only when asked', () => {
    const plain = JSON.parse(formatTokens(tokens, 'json', base));
    expect(plain).toEqual({
      access_token: 'access-token-for-tests',
      token_type: 'Bearer',
      expires_at: '2030-01-01T12:59:59Z',
      expires_in: 3599,
      scope: 'openid profile',
      id_token: 'header.payload.signature',
      id_token_expires_at: '2030-01-01T12:05:00Z',
    });
    const withRefresh = JSON.parse(formatTokens(tokens, 'json', { now, includeRefreshToken: true }));
    expect(withRefresh.refresh_token).toBe('refresh-token-for-tests');
  });

  it('exec-credential: the v1 shape kubectl reads, the access token by default here', () => {
    expect(JSON.parse(formatTokens(tokens, 'exec-credential', { now, includeRefreshToken: true }))).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: {},
      status: { token: 'access-token-for-tests', expirationTimestamp: '2030-01-01T12:59:59Z' },
    });
  });
});

describe('--token-type id in every output format', () => {
  const id = { ...base, tokenType: 'id' as const };

  it('token: the ID token alone', () => {
    expect(formatTokens(tokens, 'token', id)).toBe('header.payload.signature\n');
  });

  it('header: Bearer and the ID token, whatever the access token type', () => {
    expect(formatTokens({ ...tokens, tokenType: 'DPoP' }, 'header', id)).toBe(
      'Authorization: Bearer header.payload.signature\n',
    );
  });

  it('json: the ID token with its own expiry', () => {
    const json = JSON.parse(formatTokens(tokens, 'json', id));
    expect(json.id_token).toBe('header.payload.signature');
    expect(json.id_token_expires_at).toBe('2030-01-01T12:05:00Z');
  });

  it('exec-credential: the ID token, its exp as expirationTimestamp, in the version kubectl asked for', () => {
    const v1beta1 = JSON.parse(
      formatTokens(tokens, 'exec-credential', {
        ...id,
        execApiVersion: 'client.authentication.k8s.io/v1beta1',
      }),
    );
    expect(v1beta1).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      kind: 'ExecCredential',
      spec: {},
      status: { token: 'header.payload.signature', expirationTimestamp: '2030-01-01T12:05:00Z' },
    });
  });

  it('every format refuses a token set without an ID token instead of printing the access token', () => {
    const { idToken: _id, idTokenClaims: _claims, ...accessOnly } = tokens;
    for (const output of TOKEN_OUTPUTS) {
      expect(() => formatTokens(accessOnly, output, id), output).toThrow(/no ID token/);
    }
  });

  it('the default: the ID token for kubectl after a user login, else the access token', () => {
    expect(defaultTokenType('exec-credential', 'user')).toBe('id');
    expect(defaultTokenType('exec-credential', 'client')).toBe('access');
    for (const output of ['token', 'json', 'header'] as const) {
      expect(defaultTokenType(output, 'user')).toBe('access');
    }
  });
});
