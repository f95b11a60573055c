// The page scripts' authenticator app against RFC 6238 Appendix B's test vectors (SHA-1 key
// "12345678901234567890", 8 digits), and the 6-digit codes Keycloak's default policy takes.
import { describe, expect, it } from 'vitest';
import { timeBasedCode } from '../src/targets/totp.js';

const key = Buffer.from('12345678901234567890', 'ascii');

describe('timeBasedCode (RFC 6238)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
  ])('at %i s gives %s', (seconds, code) => {
    expect(timeBasedCode(key, seconds * 1000, { digits: 8 })).toBe(code);
  });

  it('gives 6 digits by default, the same within one 30 s step and another in the next', () => {
    expect(timeBasedCode(key, 59_000)).toBe('287082');
    expect(timeBasedCode(key, 30_000)).toBe(timeBasedCode(key, 59_999));
    expect(timeBasedCode(key, 60_000)).not.toBe(timeBasedCode(key, 59_999));
  });
});
