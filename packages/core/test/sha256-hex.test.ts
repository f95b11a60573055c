// The cache key's hash must stay byte-for-byte SHA-256: cache files written before it replaced
// node:crypto keep their names. node:crypto is the reference here.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cacheKeyFor } from '../src/cache/cache-key.js';
import { sha256Hex } from '../src/cache/sha256-hex.js';

const reference = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sha256Hex', () => {
  it('matches node:crypto on every length across the padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const text = 'x'.repeat(length);
      expect(sha256Hex(text), `length ${length}`).toBe(reference(text));
    }
  });

  it('hashes UTF-8 bytes, not UTF-16 code units', () => {
    for (const text of [
      'é',
      '日本語のスコープ',
      '😀 emoji',
      `https://idp.example/realms/ü\u0000`,
      '\u07ff\u0800\uffff',
      'lone \ud800 high, lone \udc00 low, pair at the end \ud83d',
    ]) {
      expect(sha256Hex(text)).toBe(reference(text));
    }
  });

  it('gives cache keys the ids they had with node:crypto', () => {
    const parts = {
      issuer: 'https://idp.example/realms/a/',
      clientId: 'cli',
      scopes: ['profile', 'openid', 'openid'],
      audience: 'api',
      family: 'user' as const,
    };
    const material = JSON.stringify([parts.issuer, parts.clientId, ['openid', 'profile'], 'api', 'user']);
    expect(cacheKeyFor(parts).id).toBe(reference(material).slice(0, 32));
  });
});
