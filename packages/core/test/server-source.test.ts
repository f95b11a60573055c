import { afterEach, describe, expect, it } from 'vitest';
import { type FlowRunContext, OidcAuth, silentLogger } from '../src/index.js';
import { fakeFlow, fakeTokens, loaderWith } from './fake-flows.js';
import { type FixtureServer, json, startFixtureServer } from './http-fixture.js';

const servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

/** An IdP with discovery only, and a resource server publishing RFC 9728 metadata for it. */
async function idpAndResource() {
  const idp = await startFixtureServer((request, response, base) => {
    if (request.url === '/.well-known/openid-configuration') {
      json(response, 200, {
        issuer: base,
        token_endpoint: `${base}/token`,
        authorization_endpoint: `${base}/auth`,
      });
    } else json(response, 404, {});
  });
  const resource = await startFixtureServer((request, response, base) => {
    if (request.url === '/.well-known/oauth-protected-resource') {
      json(response, 200, {
        resource: base,
        authorization_servers: [idp.url],
        scopes_supported: ['openid', 'graph:read'],
      });
    } else json(response, 404, {});
  });
  servers.push(idp, resource);
  return { idp, resource };
}

function capturingFlow() {
  const seen: FlowRunContext[] = [];
  const flow = fakeFlow({ name: 'capture' }, async (context) => {
    seen.push(context);
    return fakeTokens();
  });
  return { flow, seen };
}

describe('server source: explicit option → server → default', () => {
  it('reads issuer, scopes and audience from RFC 9728 protected resource metadata', async () => {
    const { idp, resource } = await idpAndResource();
    const { flow, seen } = capturingFlow();
    const auth = new OidcAuth({
      clientId: 'cli',
      server: { resourceUrl: resource.url },
      useServerAudience: true,
      flow: 'capture',
      plugins: [flow],
      loadModule: loaderWith({}),
      logger: silentLogger,
      env: {},
    });
    await auth.getAccessToken();
    expect(seen[0]?.issuer).toBe(idp.url);
    expect(seen[0]?.scopes).toEqual(['openid', 'graph:read']);
    expect(seen[0]?.audience).toBe(resource.url);
    expect(seen[0]?.adjustments.tokenParameters).toEqual({ audience: resource.url });
  });

  it('without useServerAudience the server audience is not used', async () => {
    const { resource } = await idpAndResource();
    const { flow, seen } = capturingFlow();
    const auth = new OidcAuth({
      clientId: 'cli',
      server: { resourceUrl: resource.url },
      flow: 'capture',
      plugins: [flow],
      loadModule: loaderWith({}),
      logger: silentLogger,
      env: {},
    });
    await auth.getAccessToken();
    expect(seen[0]?.audience).toBeUndefined();
  });

  it('reads issuer, client id, scopes and audience from a function; explicit options win', async () => {
    const { idp } = await idpAndResource();
    const { flow, seen } = capturingFlow();
    let calls = 0;
    const auth = new OidcAuth({
      scopes: ['openid', 'explicit'],
      server: () => {
        calls += 1;
        return { issuer: idp.url, clientId: 'from-server', scopes: ['ignored'], audience: 'urn:xgt' };
      },
      useServerAudience: true,
      flow: 'capture',
      plugins: [flow],
      loadModule: loaderWith({}),
      logger: silentLogger,
      env: {},
    });
    await auth.getAccessToken();
    await auth.getAccessToken();
    expect(calls).toBe(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.clientId).toBe('from-server');
    expect(seen[0]?.scopes).toEqual(['openid', 'explicit']);
    expect(seen[0]?.audience).toBe('urn:xgt');
  });

  it('is not asked at all when every setting is explicit', async () => {
    const { idp } = await idpAndResource();
    const { flow } = capturingFlow();
    let calls = 0;
    const auth = new OidcAuth({
      issuer: idp.url,
      clientId: 'cli',
      scopes: ['openid'],
      server: () => {
        calls += 1;
        return {};
      },
      flow: 'capture',
      plugins: [flow],
      loadModule: loaderWith({}),
      logger: silentLogger,
      env: {},
    });
    await auth.getAccessToken();
    expect(calls).toBe(0);
  });
});
