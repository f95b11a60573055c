import { cacheKeyFor } from '@oidcflow/core';
import { describe, expect, it } from 'vitest';
import { contractEntry } from '../testing/cache-contract.js';
import { CACHE_FORMAT_VERSION, parseCacheDocument, serializeCacheDocument } from './cache-document.js';

const key = cacheKeyFor({
  issuer: 'https://idp.example.test',
  clientId: 'cli',
  scopes: ['openid', 'profile'],
  audience: 'https://api.example.test',
  family: 'user',
});

describe('the cache file format', () => {
  it('is versioned JSON with the key fields beside the entry', () => {
    const document = JSON.parse(serializeCacheDocument(key, contractEntry()));
    expect(document.version).toBe(CACHE_FORMAT_VERSION);
    expect(document.key).toEqual({
      issuer: 'https://idp.example.test',
      clientId: 'cli',
      scopes: ['openid', 'profile'],
      audience: 'https://api.example.test',
      family: 'user',
    });
    expect(document.entry).toEqual(contractEntry());
  });

  it('round-trips an entry', () => {
    expect(parseCacheDocument(serializeCacheDocument(key, contractEntry()), key)).toEqual({
      entry: contractEntry(),
    });
  });

  it('refuses a document of another key (a hash collision or a copied file)', () => {
    const other = cacheKeyFor({
      issuer: 'https://evil.example.test',
      clientId: 'cli',
      scopes: ['openid', 'profile'],
      family: 'user',
    });
    const result = parseCacheDocument(serializeCacheDocument(other, contractEntry()), key);
    expect(result).toEqual({ problem: expect.stringContaining('other settings') });
  });

  it('refuses an unknown version and says which', () => {
    const text = serializeCacheDocument(key, contractEntry()).replace('"version": 1', '"version": 2');
    expect(parseCacheDocument(text, key)).toEqual({ problem: expect.stringContaining('format version 2') });
  });

  it.each([
    ['not JSON', '{"version": 1', 'not valid JSON'],
    ['an array', '[]', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
  ])('refuses %s', (_, text, problem) => {
    expect(parseCacheDocument(text, key)).toEqual({ problem: expect.stringContaining(problem) });
  });

  it.each([
    ['no access token', { accessToken: '' }, 'accessToken'],
    ['an expiry that is not a number', { expiresAt: 'soon' }, 'expiresAt'],
    ['a refresh token that is not a string', { refreshToken: 7 }, 'refreshToken'],
    ['claims that are not an object', { idTokenClaims: 'x' }, 'idTokenClaims'],
  ])('refuses tokens with %s, without quoting any token', (_, change, field) => {
    const document = JSON.parse(serializeCacheDocument(key, contractEntry()));
    Object.assign(document.entry.tokens, change);
    const result = parseCacheDocument(JSON.stringify(document), key);
    expect(result).toEqual({ problem: expect.stringContaining(field) });
    expect(JSON.stringify(result)).not.toContain('fake-');
  });

  it.each([
    ['a token endpoint that is not a string', { token_endpoint: 42 }, 'token_endpoint'],
    ['auth methods that are not strings', { token_endpoint_auth_methods_supported: [1] }, 'auth_methods'],
    ['a scope list that is not a list', { scopes_supported: 'openid' }, 'scopes_supported'],
  ])('refuses metadata with %s (a refresh would read it)', (_, change, field) => {
    const document = JSON.parse(serializeCacheDocument(key, contractEntry()));
    Object.assign(document.entry.metadata.document, change);
    expect(parseCacheDocument(JSON.stringify(document), key)).toEqual({
      problem: expect.stringContaining(field),
    });
  });

  it.each([
    ['an account that is null', { account: null }, 'entry.account'],
    ['an account without a sub', { account: { username: 'alice' } }, 'entry.account'],
    ['an account whose name is not a string', { account: { sub: 'a', email: 7 } }, 'entry.account'],
    ['other accounts that are not a list', { otherAccounts: { sub: 'b' } }, 'entry.otherAccounts'],
    ['other accounts with a null', { otherAccounts: [{ sub: 'b' }, null] }, 'entry.otherAccounts'],
    ['a later sign-in without an account', { laterSignIn: { at: 1 } }, 'entry.laterSignIn'],
    [
      'a later sign-in at no time',
      { laterSignIn: { account: { sub: 'b' }, at: 'yesterday' } },
      'entry.laterSignIn',
    ],
  ])('refuses an account part with %s (the account words read it as typed)', (_, change, field) => {
    const document = JSON.parse(serializeCacheDocument(key, contractEntry()));
    Object.assign(document.entry, change);
    expect(parseCacheDocument(JSON.stringify(document), key)).toEqual({
      problem: expect.stringContaining(field),
    });
  });

  it('reads a well-formed account part as written', () => {
    const entry = {
      ...contractEntry(),
      account: { sub: 'a', username: 'alice' },
      otherAccounts: [{ sub: 'b', email: 'bob@example.test' }],
      laterSignIn: { account: { sub: 'b' }, at: 1_700_000_000_000 },
    };
    expect(parseCacheDocument(serializeCacheDocument(key, entry), key)).toEqual({ entry });
  });
});
