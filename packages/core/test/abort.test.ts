import { afterEach, describe, expect, it } from 'vitest';
import {
  createMemoryCache,
  ErrorCode,
  OidcCredentialsAuth,
  OidcflowError,
  silentLogger,
} from '../src/index.js';
import { type FixtureServer, json, startFixtureServer } from './http-fixture.js';

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('abort', () => {
  it('cancels a token request in flight: LOGIN_ABORTED long before the HTTP timeout', async () => {
    server = await startFixtureServer((request, response, baseUrl) => {
      if (request.url === '/.well-known/openid-configuration') {
        json(response, 200, { issuer: baseUrl, token_endpoint: `${baseUrl}/token` });
      }
      // The token endpoint never answers.
    });
    const controller = new AbortController();
    const auth = new OidcCredentialsAuth({
      issuer: server.url,
      clientId: 'ci',
      clientSecret: 'fake-secret-for-abort-test',
      plugins: [createMemoryCache()],
      httpTimeoutSeconds: 60,
      signal: controller.signal,
      logger: silentLogger,
      env: {},
    });
    const started = Date.now();
    const pending = auth.getAccessToken().then(
      () => undefined,
      (error: unknown) => error,
    );
    const deadline = Date.now() + 10_000;
    while (!server.requests.includes('/token') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(server.requests).toContain('/token');
    controller.abort();
    const error = await pending;
    expect(OidcflowError.isInstance(error) && error.code).toBe(ErrorCode.LOGIN_ABORTED);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
