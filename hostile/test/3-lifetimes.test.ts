// Issue 12, item 3: lifetimes and intervals the IdP sends are bounded; a cache entry that
// cannot become a token is a miss, never an exception.
// Issue 23, item 4: the same for the ID token's signed `exp`, which was believed as it came.
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { type Clock, ErrorCode, OidcAuth, OidcflowError } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, removeDirectories, runCli, temporaryDirectory } from '../support/processes.js';
import { deviceAuthorizationFor, json, metadataFor, startServer, stopServers } from '../support/servers.js';

afterEach(async () => {
  killChildren();
  await stopServers();
  await removeDirectories();
});

const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

/** A client-credentials IdP whose tokens claim to live `expiresIn` seconds. */
async function idpWithLifetime(expiresIn: number) {
  let issued = 0;
  return startServer((request, response, base) => {
    if (request.path === '/.well-known/openid-configuration') return json(response, 200, metadataFor(base));
    if (request.path === '/token') {
      issued += 1;
      return json(response, 200, {
        access_token: `token-${issued}`,
        token_type: 'Bearer',
        expires_in: expiresIn,
      });
    }
    json(response, 404, {});
  });
}

async function cliSettings(issuer: string) {
  const cachePath = await temporaryDirectory();
  return {
    args: ['--issuer', issuer, '--client-id', 'ci', '--client-credentials', '--cache-path', cachePath],
    env: { OIDCFLOW_CLIENT_SECRET: 'ci-secret-value', HOME: cachePath },
  };
}

/**
 * An IdP that logs in by the device flow at once (approved before the first poll) and signs
 * ID tokens (RS256, its own keys at jwks_uri) with the `exp` it chooses.
 */
async function idpSigningIdTokensWithExp(exp: number) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'hostile', alg: 'RS256', use: 'sig' };
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = (claims: Record<string, unknown>) => {
    const input = `${part({ alg: 'RS256', kid: 'hostile', typ: 'JWT' })}.${part(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  };
  let issued = 0;
  return startServer((request, response, base) => {
    if (request.path === '/.well-known/openid-configuration')
      return json(response, 200, metadataFor(base, { jwks_uri: `${base}/jwks` }));
    if (request.path === '/jwks') return json(response, 200, { keys: [jwk] });
    if (request.path === '/device') return json(response, 200, deviceAuthorizationFor(base));
    if (request.path === '/token') {
      issued += 1;
      const now = Math.floor(Date.now() / 1000);
      return json(response, 200, {
        access_token: `access-${issued}`,
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: `refresh-${issued}`,
        id_token: signed({ iss: base, aud: 'cli', sub: 'user-1', iat: now, exp }),
      });
    }
    json(response, 404, {});
  });
}

async function deviceLoginSettings(issuer: string) {
  const cachePath = await temporaryDirectory();
  return {
    args: [
      '--issuer',
      issuer,
      '--client-id',
      'cli',
      '--flow',
      'device',
      '--scope',
      'openid',
      '--cache-path',
      cachePath,
    ],
    env: { HOME: cachePath },
  };
}

describe('hostile lifetimes', () => {
  it('a signed ID token with exp: 1e300 is clamped to 7 days: exec-credential, status and token -o json keep working', async () => {
    const idp = await idpSigningIdTokensWithExp(1e300);
    const { args, env } = await deviceLoginSettings(idp.url);
    const login = await runCli(['login', ...args], env);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('the IdP said the ID token lives');
    const latest = Date.now() + SEVEN_DAYS_MS;

    const credential = await runCli(['token', ...args, '--output', 'exec-credential'], env);
    expect(credential.code, credential.stderr).toBe(0);
    const expires = Date.parse(JSON.parse(credential.stdout).status.expirationTimestamp);
    expect(expires).toBeGreaterThan(Date.now());
    expect(expires).toBeLessThanOrEqual(latest);

    const token = await runCli(['token', ...args, '--output', 'json'], env);
    expect(token.code, token.stderr).toBe(0);
    expect(Date.parse(JSON.parse(token.stdout).id_token_expires_at)).toBeLessThanOrEqual(latest);

    for (const command of [
      ['status', ...args],
      ['status', ...args, '--output', 'json'],
    ]) {
      const status = await runCli(command, env);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stderr).not.toContain('Invalid time value');
    }
    const report = JSON.parse((await runCli(['status', ...args, '--output', 'json'], env)).stdout);
    expect(Date.parse(report.entries[0].idTokenExpiresAt)).toBeLessThanOrEqual(latest);
    // One login: the clamped ID token was reused from the cache, not thrown away.
    expect(idp.requests.filter((r) => r.path === '/token')).toHaveLength(1);
  });

  it('a cached ID token whose exp no date can hold (cached before the clamp) is renewed, not "Invalid time value"', async () => {
    const idp = await idpSigningIdTokensWithExp(Math.floor(Date.now() / 1000) + 600);
    const { args, env } = await deviceLoginSettings(idp.url);
    expect((await runCli(['login', ...args], env)).code).toBe(0);
    const status = JSON.parse((await runCli(['status', ...args, '--output', 'json'], env)).stdout);
    const file = status.entries[0].cachePath as string;
    const document = JSON.parse(await readFile(file, 'utf8'));
    document.entry.tokens.idTokenClaims.exp = 1e300;
    await writeFile(file, JSON.stringify(document), { mode: 0o600 });

    for (const command of [
      ['status', ...args],
      ['token', ...args, '--output', 'json'],
    ]) {
      const result = await runCli(command, env);
      expect(result.code, `${command.join(' ')}: ${result.stderr}`).toBe(0);
      expect(result.stderr).not.toContain('Invalid time value');
    }
    // The ID token kubectl gets is a renewed one (the refresh token still works), with a real expiry.
    const credential = await runCli(['token', ...args, '--output', 'exec-credential'], env);
    expect(credential.code, credential.stderr).toBe(0);
    const expires = Date.parse(JSON.parse(credential.stdout).status.expirationTimestamp);
    expect(expires).toBeLessThanOrEqual(Date.now() + 600_000);
    expect(idp.requests.filter((r) => r.path === '/token')).toHaveLength(2);
  });

  it('expires_in: 1e300 does not poison the cache: token, exec-credential and status keep working', async () => {
    const idp = await idpWithLifetime(1e300);
    const { args, env } = await cliSettings(idp.url);
    const first = await runCli(['token', ...args], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('oidcflow uses it for at most 604800 s');
    const credential = await runCli(['token', ...args, '--output', 'exec-credential'], env);
    expect(credential.code, credential.stderr).toBe(0);
    const expires = Date.parse(JSON.parse(credential.stdout).status.expirationTimestamp);
    expect(expires).toBeGreaterThan(Date.now());
    expect(expires).toBeLessThanOrEqual(Date.now() + SEVEN_DAYS_MS);
    const status = await runCli(['status', ...args], env);
    expect(status.code, status.stderr).toBe(0);
    // One grant: the clamped token was reused from the cache.
    expect(idp.requests.filter((r) => r.path === '/token')).toHaveLength(1);
  });

  it('a cache file whose expiry no date can hold is a miss, not "Invalid time value"', async () => {
    const idp = await idpWithLifetime(300);
    const { args, env } = await cliSettings(idp.url);
    expect((await runCli(['token', ...args], env)).code).toBe(0);
    const status = JSON.parse((await runCli(['status', ...args, '--output', 'json'], env)).stdout);
    const file = status.entries[0].cachePath as string;
    const document = JSON.parse(await readFile(file, 'utf8'));
    document.entry.tokens.expiresAt = 1e300;
    await writeFile(file, JSON.stringify(document), { mode: 0o600 });

    const poisoned = await runCli(['status', ...args], env);
    expect(poisoned.stderr).not.toContain('Invalid time value');
    expect(poisoned.code).toBe(3); // not logged in: the entry is a miss
    const renewed = await runCli(['token', ...args], env);
    expect(renewed.code, renewed.stderr).toBe(0);
    expect(renewed.stdout.trim()).toBe('token-2');
  });

  it('a device code that lives 1e9 s and polls every 1e9 s is clamped (30 min, 60 s), with one warning', async () => {
    let polls = 0;
    const idp = await startServer((request, response, base) => {
      if (request.path === '/.well-known/openid-configuration') return json(response, 200, metadataFor(base));
      if (request.path === '/device')
        return json(response, 200, deviceAuthorizationFor(base, { expires_in: 1e9, interval: 1e9 }));
      if (request.path === '/token') {
        polls += 1;
        return json(response, 400, { error: 'authorization_pending' });
      }
      json(response, 404, {});
    });
    // A clock whose sleeps pass at once, and that refuses to sleep longer than a minute.
    let now = Date.now();
    const sleeps: number[] = [];
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (ms > 60_000) throw new Error(`asked to sleep ${ms} ms`);
        now += ms;
      },
    };
    const warnings: string[] = [];
    const output = { write: () => true, isTTY: false };
    const auth = new OidcAuth({
      issuer: idp.url,
      clientId: 'cli',
      flow: 'device',
      openBrowser: false,
      cachePath: await temporaryDirectory(),
      ports: { clock, output },
      logger: { debug() {}, warn: (message) => warnings.push(message) },
      env: {},
    });
    const started = now;
    const error = await auth.getAccessToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.LOGIN_TIMEOUT);
    expect(Math.max(...sleeps)).toBe(60_000);
    expect(now - started).toBeLessThanOrEqual(1_800_000);
    expect(polls).toBeGreaterThan(20);
    expect(polls).toBeLessThanOrEqual(30);
    expect(warnings.filter((w) => w.includes('code lifetime'))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes('polling interval'))).toHaveLength(1);
  });
});
