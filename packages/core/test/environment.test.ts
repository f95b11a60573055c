import { describe, expect, it } from 'vitest';
import { detectEnvironment } from '../src/config/environment.js';
import { cacheKeyFor, isLoopbackHost } from '../src/index.js';

describe('detectEnvironment', () => {
  it.each([
    [{ BROWSER: 'firefox', CI: 'true' }, 'linux', true, /BROWSER is set/],
    [{ CI: 'true', DISPLAY: ':0' }, 'linux', false, /CI/],
    [{ SSH_CONNECTION: '10.0.0.1 22 10.0.0.2 5555' }, 'darwin', false, /SSH session/],
    [{ SSH_TTY: '/dev/pts/1', DISPLAY: 'localhost:10.0' }, 'linux', true, /display/],
    [{}, 'linux', false, /no DISPLAY/],
    [{ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', true, /display/],
    [{ WSL_DISTRO_NAME: 'Ubuntu' }, 'linux', true, /WSL/],
    [{}, 'darwin', true, /darwin/],
    [{ CI: 'false' }, 'win32', true, /win32/],
  ] as const)('%j on %s → browser %s', (env, platform, available, reason) => {
    const facts = detectEnvironment(env, platform, false);
    expect(facts.browserAvailable).toBe(available);
    expect(facts.browserReason).toMatch(reason);
  });
});

describe('cacheKeyFor', () => {
  const base = {
    issuer: 'https://idp.example.test',
    clientId: 'cli',
    scopes: ['openid', 'profile'],
    family: 'user' as const,
  };
  it('ignores scope order', () => {
    expect(cacheKeyFor(base).id).toBe(cacheKeyFor({ ...base, scopes: ['profile', 'openid'] }).id);
  });
  it('keeps the issuer exactly: a trailing slash is another issuer (OIDC Discovery §4.3)', () => {
    const slashed = cacheKeyFor({ ...base, issuer: 'https://idp.example.test/' });
    expect(slashed.issuer).toBe('https://idp.example.test/');
    expect(slashed.id).not.toBe(cacheKeyFor(base).id);
  });
  it('separates issuers, clients, scopes, audiences and flow families', () => {
    const ids = new Set([
      cacheKeyFor(base).id,
      cacheKeyFor({ ...base, issuer: 'https://other.example.test' }).id,
      cacheKeyFor({ ...base, clientId: 'other' }).id,
      cacheKeyFor({ ...base, scopes: ['openid'] }).id,
      cacheKeyFor({ ...base, audience: 'api' }).id,
      cacheKeyFor({ ...base, family: 'client' }).id,
    ]);
    expect(ids.size).toBe(6);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['127.0.0.1.example.test', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
