import { afterEach, describe, expect, it } from 'vitest';
import {
  cacheKeyFor,
  createMemoryCache,
  ErrorCode,
  OidcAuth,
  OidcCredentialsAuth,
  OidcflowError,
  silentLogger,
} from '../src/index.js';
import { fakeFlow, loaderWith } from './fake-flows.js';
import { type FixtureServer, json, startFixtureServer } from './http-fixture.js';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function metadataServer(): Promise<FixtureServer> {
  server = await startFixtureServer((_request, response, baseUrl) =>
    json(response, 200, {
      issuer: baseUrl,
      token_endpoint: `${baseUrl}/token`,
      authorization_endpoint: `${baseUrl}/auth`,
    }),
  );
  return server;
}

describe('flows and the two classes', () => {
  it("OidcCredentialsAuth runs a third party's client flow by name and caches it as a client token", async () => {
    const { url } = await metadataServer();
    const cache = createMemoryCache();
    const mtls = fakeFlow({ name: 'mtls_client', family: 'client' });
    const auth = new OidcCredentialsAuth({
      issuer: url,
      clientId: 'ci',
      flow: 'mtls_client',
      plugins: [mtls, cache],
      loadModule: loaderWith({}),
      logger: silentLogger,
      env: {},
    });
    expect(auth.flow).toBe('mtls_client');
    const token = await auth.getAccessToken();
    const entry = await cache.get(cacheKeyFor({ issuer: url, clientId: 'ci', scopes: [], family: 'client' }));
    expect(entry?.tokens.accessToken).toBe(token);
    expect(entry?.flow).toBe('mtls_client');
  });

  it('a user login named in OidcCredentialsAuth, or a client flow in OidcAuth, is CONFIG_INVALID naming the class to use', async () => {
    const { url } = await metadataServer();
    const common = {
      issuer: url,
      clientId: 'cli',
      loadModule: loaderWith({}),
      logger: silentLogger,
      env: {},
    };
    const user = fakeFlow({ name: 'browser_login' });
    const client = fakeFlow({ name: 'mtls_client', family: 'client' });
    const asClient = await new OidcCredentialsAuth({ ...common, flow: 'browser_login', plugins: [user] })
      .getAccessToken()
      .catch((error: unknown) => error);
    expect(OidcflowError.isInstance(asClient) && asClient.code).toBe(ErrorCode.CONFIG_INVALID);
    expect((asClient as Error).message).toMatch(/use OidcAuth/);
    const asUser = await new OidcAuth({ ...common, flow: 'mtls_client', plugins: [client] })
      .getAccessToken()
      .catch((error: unknown) => error);
    expect(OidcflowError.isInstance(asUser) && asUser.code).toBe(ErrorCode.CONFIG_INVALID);
    expect((asUser as Error).message).toMatch(/use OidcCredentialsAuth/);
  });
});
