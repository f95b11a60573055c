import { describe, expect, it } from 'vitest';
import { checkCallback } from './check-callback.js';

const ISSUER = 'https://idp.example.com';
const expected = { state: 'right-state', issuer: ISSUER, issRequired: true };
const iss = `iss=${encodeURIComponent(ISSUER)}`;
const check = (query: string, overrides = {}) =>
  checkCallback(new URLSearchParams(query), { ...expected, ...overrides });

describe('checkCallback', () => {
  it('accepts the right state and iss with a code or with an error', () => {
    expect(check(`code=c&state=right-state&${iss}`)).toEqual({ kind: 'accept' });
    expect(check(`error=access_denied&state=right-state&${iss}`)).toEqual({ kind: 'accept' });
  });

  it('ignores a missing, wrong or repeated state — error responses too — so the login keeps waiting', () => {
    expect(check(`code=c&${iss}`)).toMatchObject({
      kind: 'ignore',
      reason: expect.stringMatching(/no state/),
    });
    expect(check(`code=c&state=other&${iss}`)).toMatchObject({ kind: 'ignore' });
    expect(check(`code=c&state=right-stat&${iss}`)).toMatchObject({ kind: 'ignore' });
    expect(check(`error=access_denied&state=other&${iss}`)).toMatchObject({ kind: 'ignore' });
    expect(check(`code=c&state=right-state&state=right-state&${iss}`)).toMatchObject({ kind: 'ignore' });
  });

  it('RFC 9207: refuses a missing iss when the IdP promises one', () => {
    expect(check('code=c&state=right-state')).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/lacks the iss parameter/),
    });
    expect(check('code=c&state=right-state', { issRequired: false })).toEqual({ kind: 'accept' });
  });

  it('RFC 9207: refuses a wrong iss whether or not the IdP promises one, error responses too', () => {
    const evil = 'iss=https%3A%2F%2Fevil.example';
    expect(check(`code=c&state=right-state&${evil}`)).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/another issuer \(https:\/\/evil\.example\)/),
    });
    expect(check(`code=c&state=right-state&${evil}`, { issRequired: false })).toMatchObject({
      kind: 'refuse',
    });
    expect(check(`error=access_denied&state=right-state&${evil}`)).toMatchObject({ kind: 'refuse' });
    // Compared exactly: a trailing slash is another issuer.
    expect(check(`code=c&state=right-state&iss=${encodeURIComponent(`${ISSUER}/`)}`)).toMatchObject({
      kind: 'refuse',
    });
  });

  it('refuses repeated parameters and a response with neither or both of code and error', () => {
    expect(check(`code=c&code=d&state=right-state&${iss}`)).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/repeats the "code"/),
    });
    expect(check(`code=c&state=right-state&${iss}&${iss}`)).toMatchObject({ kind: 'refuse' });
    expect(check(`state=right-state&${iss}`)).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/neither/),
    });
    expect(check(`code=c&error=access_denied&state=right-state&${iss}`)).toMatchObject({
      kind: 'refuse',
      reason: expect.stringMatching(/both/),
    });
  });
});
