// Issue 23: DPoP failed open. With `dpop: true`, an authorization server answering
// `token_type: Bearer` was used as Bearer with one warning (none after a refresh), and a Bearer
// entry cached before `dpop` was switched on kept being sent — to an API that requires DPoP, a
// 401 on every call until the refresh token died. `dpop: true` now means bound tokens or an
// error, and DPoP entries are kept apart from Bearer ones.
import { createHash } from 'node:crypto';
import { ErrorCode, OidcCredentialsAuth, OidcflowError, silentLogger } from '@oidcflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { removeDirectories, temporaryDirectory } from '../support/processes.js';
import { json, metadataFor, type SeenRequest, startServer, stopServers } from '../support/servers.js';

afterEach(async () => {
  await stopServers();
  await removeDirectories();
});

type Answer = 'bind' | 'bearer';

/**
 * A client-credentials AS that binds tokens when asked with a DPoP proof (`token_type: DPoP`),
 * as a real one does, unless told to answer Bearer: at login (`login`), at refresh (`refresh`).
 * Access tokens live 1 s, with a refresh token.
 */
function authorizationServer(answers: { login: Answer; refresh: Answer }) {
  let issued = 0;
  return startServer((request, response, base) => {
    if (request.path === '/.well-known/openid-configuration')
      return json(response, 200, metadataFor(base, { dpop_signing_alg_values_supported: ['ES256'] }));
    if (request.path !== '/token') return json(response, 404, {});
    const refresh = new URLSearchParams(request.body).get('grant_type') === 'refresh_token';
    const answer = refresh ? answers.refresh : answers.login;
    const bound = answer === 'bind' && typeof request.headers.dpop === 'string';
    issued += 1;
    json(response, 200, {
      access_token: `${bound ? 'bound' : 'bearer'}-token-${issued}`,
      token_type: bound ? 'DPoP' : 'Bearer',
      expires_in: 1,
      refresh_token: `refresh-token-${issued}`,
    });
  });
}

/** An API that takes only DPoP: `Authorization: DPoP <token>` with a proof whose `ath` is that token's. */
function dpopOnlyApi() {
  return startServer((request: SeenRequest, response) => {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    const proof = request.headers.dpop;
    const payload =
      typeof proof === 'string'
        ? (JSON.parse(Buffer.from(proof.split('.')[1] ?? '', 'base64url').toString()) as { ath?: string })
        : {};
    const ath = createHash('sha256')
      .update(token ?? '')
      .digest('base64url');
    if (scheme !== 'DPoP' || payload.ath !== ath) {
      response.writeHead(401, { 'www-authenticate': 'DPoP error="invalid_token"' }).end();
      return;
    }
    json(response, 200, { ok: true });
  });
}

async function options(issuer: string, cachePath: string, dpop: boolean) {
  return {
    issuer,
    clientId: 'cli',
    clientSecret: 'client-secret',
    cachePath,
    dpop,
    logger: silentLogger,
    env: {},
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<OidcflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!OidcflowError.isInstance(error)) throw new Error(`expected an OidcflowError, got ${String(error)}`);
  return error;
}

describe('dpop: true and an authorization server that does not bind', () => {
  it('a Bearer answer to a DPoP login is DPOP_NOT_BOUND, and nothing is cached', async () => {
    const as = await authorizationServer({ login: 'bearer', refresh: 'bearer' });
    const auth = new OidcCredentialsAuth(await options(as.url, await temporaryDirectory(), true));
    const error = await rejectionOf(auth.getAccessToken());
    expect(error.code).toBe(ErrorCode.DPOP_NOT_BOUND);
    expect(error.message).toMatch(/Bearer/);
    expect(error.message).toMatch(/Enable DPoP .* or turn dpop off/);
    expect(error.message).not.toContain('bearer-token-1');
    expect(await auth.getCachedTokens()).toBeUndefined();
  });

  it('a Bearer answer to a DPoP refresh is DPOP_NOT_BOUND, and the bound entry is not replaced by it', async () => {
    const as = await authorizationServer({ login: 'bind', refresh: 'bearer' });
    const auth = new OidcCredentialsAuth(await options(as.url, await temporaryDirectory(), true));
    const first = await auth.getTokens();
    expect(first.tokenType.toLowerCase()).toBe('dpop');
    // The access token lives 1 s (fresh for half of it): the next call refreshes, the AS answers Bearer.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const error = await rejectionOf(auth.getAccessToken());
    expect(error.code).toBe(ErrorCode.DPOP_NOT_BOUND);
    expect(error.message).toMatch(/refresh/);
    expect((await auth.getCachedTokens())?.tokens.accessToken).toBe(first.accessToken);
  });

  it('a Bearer entry cached before dpop was switched on is never sent where DPoP is required', async () => {
    const as = await authorizationServer({ login: 'bind', refresh: 'bind' });
    const api = await dpopOnlyApi();
    const cachePath = await temporaryDirectory();
    const before = new OidcCredentialsAuth({
      ...(await options(as.url, cachePath, false)),
      allowedOrigins: [api.url],
    });
    expect((await before.getTokens()).tokenType.toLowerCase()).toBe('bearer');

    const after = new OidcCredentialsAuth({
      ...(await options(as.url, cachePath, true)),
      allowedOrigins: [api.url],
    });
    const response = await after.fetch(`${api.url}/things`);
    expect(response.status).toBe(200);
    expect(api.requests.map((request) => request.headers.authorization?.split(' ')[0])).toEqual(['DPoP']);
    // The Bearer entry stays for the settings without dpop; the DPoP one is kept apart from it.
    expect((await before.getCachedTokens())?.tokens.tokenType.toLowerCase()).toBe('bearer');
    expect((await after.getCachedTokens())?.tokens.tokenType.toLowerCase()).toBe('dpop');
  });
});
