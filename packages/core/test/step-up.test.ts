// RFC 9470 step-up in auth.fetch: an API that answers 401 insufficient_user_authentication
// with acr_values and max_age gets one login with those (at a terminal, or with stepUp:
// 'login'; never with 'error'), the stepped-up token is kept for that requirement, and the
// request is sent once more. The IdP side is a
// flow that honours acr_values (as Keycloak's level-of-authentication mapping does); the API
// is a real HTTP server on 127.0.0.1.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CachePlugin,
  createMemoryCache,
  ErrorCode,
  type FlowRunContext,
  OidcAuth,
  type StepUpMode,
  silentLogger,
} from '../src/index.js';
import { errorOf } from './error-of.js';
import { fakeFlow, fakeTokens, loaderWith } from './fake-flows.js';

/** An API that wants `gold` for /admin: any other token gets the RFC 9470 challenge. */
async function startApi() {
  const seen: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const token = request.headers.authorization?.replace(/^Bearer /, '') ?? '';
    seen.push(token);
    if (request.url === '/admin' && !token.startsWith('gold:')) {
      response.writeHead(401, {
        'www-authenticate':
          'Bearer error="insufficient_user_authentication", error_description="A stronger login is needed", acr_values="gold", max_age=300',
      });
      response.end('step up');
      return;
    }
    response.end(`ok ${request.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let api: Awaited<ReturnType<typeof startApi>>;
let cache: CachePlugin;
let logins: Array<Record<string, unknown>>;
beforeEach(async () => {
  api = await startApi();
  cache = createMemoryCache();
  logins = [];
});
afterEach(async () => {
  await api.close();
});

/** An IdP login that grants the acr asked for (else `silver`), authenticated now, as alice. */
const idpFlow = fakeFlow({ name: 'idp' }, async (context: FlowRunContext) => {
  const parameters = context.adjustments.authorizationParameters;
  logins.push({ ...parameters });
  const acr = typeof parameters.acr_values === 'string' ? parameters.acr_values.split(' ')[0] : 'silver';
  const tokens = fakeTokens();
  return {
    ...tokens,
    accessToken: `${acr}:${tokens.accessToken}`,
    idTokenClaims: {
      sub: 'alice',
      preferred_username: 'alice',
      acr,
      auth_time: Math.floor(Date.now() / 1000),
    },
  };
});

const auth = (interactive: boolean, stepUp?: StepUpMode) =>
  new OidcAuth({
    ...(stepUp ? { stepUp } : {}),
    issuer: 'https://idp.example',
    clientId: 'cli',
    authorizationEndpoint: 'https://idp.example/auth',
    tokenEndpoint: 'https://idp.example/token',
    flow: 'idp',
    plugins: [cache, idpFlow],
    loadModule: loaderWith({}),
    logger: silentLogger,
    env: {},
    allowInsecureHttp: true,
    ports: { output: { write: () => true, isTTY: interactive } },
  });

describe('auth.fetch step-up (RFC 9470)', () => {
  it('one login with the acr_values and max_age the API asked for, one retry; then the stepped-up token goes first', async () => {
    const client = auth(true);
    expect(await (await client.fetch(`${api.url}/things`)).text()).toBe('ok /things');
    const admin = await client.fetch(`${api.url}/admin`);
    expect(admin.status).toBe(200);
    expect(await admin.text()).toBe('ok /admin');
    expect(logins).toHaveLength(2);
    expect(logins[1]).toMatchObject({ acr_values: 'gold', max_age: '300', login_hint: 'alice' });
    expect(api.seen.map((token) => token.split(':')[0])).toEqual(['silver', 'silver', 'gold']);
    // Kept for that requirement: a new instance (process) steps up without a login.
    const again = await auth(true).fetch(`${api.url}/admin`);
    expect(again.status).toBe(200);
    expect(logins).toHaveLength(2);
    // The ordinary token is still the silver one.
    expect((await auth(true).getAccessToken()).startsWith('silver:')).toBe(true);
  });

  it('not interactive: STEP_UP_REQUIRED naming what the API asked for; no login', async () => {
    await auth(true).getAccessToken();
    const error = await errorOf(() => auth(false).fetch(`${api.url}/admin`));
    expect(error.code).toBe(ErrorCode.STEP_UP_REQUIRED);
    expect(error.message).toMatch(/asks for a stronger login \(acr_values "gold", max_age=300; RFC 9470/);
    expect(error.message).toMatch(/oidcflow login --acr-values gold --max-age 300/);
    expect(logins).toHaveLength(1);
  });

  it("stepUp: 'login' without a terminal: one login with what the API asked for, one retry", async () => {
    await auth(false).getAccessToken();
    const admin = await auth(false, 'login').fetch(`${api.url}/admin`);
    expect(admin.status).toBe(200);
    expect(logins).toHaveLength(2);
    expect(logins[1]).toMatchObject({ acr_values: 'gold', max_age: '300', login_hint: 'alice' });
    expect(api.seen.map((token) => token.split(':')[0])).toEqual(['silver', 'gold']);
  });

  it("stepUp: 'error' at a terminal: STEP_UP_REQUIRED, no login", async () => {
    await auth(true).getAccessToken();
    const error = await errorOf(() => auth(true, 'error').fetch(`${api.url}/admin`));
    expect(error.code).toBe(ErrorCode.STEP_UP_REQUIRED);
    expect(error.message).toMatch(/stepUp: 'login'/);
    expect(logins).toHaveLength(1);
  });

  it('an unknown stepUp value is CONFIG_INVALID before any request', () => {
    expect(() => auth(true, 'always' as StepUpMode)).toThrow(/stepUp "always" must be "auto"/);
  });

  it('a login that already meets the requirement (login with acrValues) is used without another', async () => {
    await new OidcAuth({ ...optionsOf(auth(false)), acrValues: ['gold'] }).login();
    const response = await auth(false).fetch(`${api.url}/admin`);
    expect(response.status).toBe(200);
    expect(logins).toHaveLength(1);
  });
});

function optionsOf(instance: OidcAuth) {
  return (instance as unknown as { options: ConstructorParameters<typeof OidcAuth>[0] }).options;
}
