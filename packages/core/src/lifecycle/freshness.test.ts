import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../spec/cache.js';
import { idTokenExpiresAt, isFresh } from './freshness.js';

const now = Date.UTC(2030, 0, 1, 12, 0, 0);
const seconds = (value: number) => value * 1000;

function entry(accessLeft: number, idLeft?: number, idLifetime = 3600): CacheEntry {
  const exp = Math.floor((now + seconds(idLeft ?? 0)) / 1000);
  return {
    tokens: {
      accessToken: 'a',
      tokenType: 'Bearer',
      expiresAt: now + seconds(accessLeft),
      ...(idLeft === undefined
        ? {}
        : {
            idToken: 'h.p.s',
            idTokenClaims: { iss: 'https://idp.test', sub: 's', exp, iat: exp - idLifetime },
          }),
    },
    flow: 'auth_code',
    savedAt: now - seconds(600),
  };
}

describe('isFresh judges the token asked for on its own expiry', () => {
  it('an ID token with 30 s left is not fresh while the access token with 50 min left is', () => {
    const cached = entry(50 * 60, 30);
    expect(isFresh(cached, now, 'access')).toBe(true);
    expect(isFresh(cached, now, 'id')).toBe(false);
  });

  it('an access token about to expire does not make a fresh ID token stale', () => {
    const cached = entry(30, 50 * 60);
    expect(isFresh(cached, now, 'access')).toBe(false);
    expect(isFresh(cached, now, 'id')).toBe(true);
  });

  it('a short-lived ID token keeps half its lifetime as the margin (90 s: fresh until 45 s left)', () => {
    expect(isFresh(entry(3600, 50, 90), now, 'id')).toBe(true);
    expect(isFresh(entry(3600, 40, 90), now, 'id')).toBe(false);
  });

  it('no ID token, or one without exp, is never fresh', () => {
    expect(isFresh(entry(3600), now, 'id')).toBe(false);
    const withoutExp = entry(3600, 600);
    withoutExp.tokens.idTokenClaims = { iss: 'https://idp.test', sub: 's' };
    expect(idTokenExpiresAt(withoutExp.tokens)).toBeUndefined();
    expect(isFresh(withoutExp, now, 'id')).toBe(false);
  });
});
