import { describe, expect, it } from 'vitest';
import { describeExpiry, describeSubject, relativeTime } from './describe.js';

const base = { accessToken: 'a', tokenType: 'Bearer', expiresAt: 0 };

describe('describeSubject', () => {
  it('prefers preferred_username, then email, then sub; a client token names the client', () => {
    expect(
      describeSubject({ ...base, idTokenClaims: { sub: 's', email: 'e@x', preferred_username: 'p' } }, 'c'),
    ).toBe('p');
    expect(describeSubject({ ...base, idTokenClaims: { sub: 's', email: 'e@x' } }, 'c')).toBe('e@x');
    const unsignedIdToken = `e30.${Buffer.from(JSON.stringify({ sub: 'from-token' })).toString('base64url')}.x`;
    expect(describeSubject({ ...base, idToken: unsignedIdToken }, 'c')).toBe('from-token');
    expect(describeSubject(base, 'ci-job')).toBe('client ci-job');
  });
});

describe('relativeTime and describeExpiry', () => {
  it('reads like a person would say it', () => {
    expect(relativeTime(45_000, 0)).toBe('in 45 s');
    expect(relativeTime(59 * 60_000, 0)).toBe('in 59 min');
    expect(relativeTime(2 * 3_600_000 + 5 * 60_000, 0)).toBe('in 2 h 5 min');
    expect(relativeTime(0, 180_000)).toBe('3 min ago');
    expect(describeExpiry(Date.UTC(2030, 0, 1), Date.UTC(2030, 0, 1) + 120_000)).toBe(
      '2030-01-01T00:00:00Z (expired 2 min ago)',
    );
  });
});
