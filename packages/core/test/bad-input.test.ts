import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, OidcAuth, type OidcAuthOptions, OidcflowError, silentLogger } from '../src/index.js';
import { fakeAuthCode, fakeDevice, loaderWith } from './fake-flows.js';
import { closedPort, type FixtureServer, startFixtureServer } from './http-fixture.js';

const servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const bothFlows = () =>
  loaderWith({ '@oidcflow/flow-authcode': fakeAuthCode(), '@oidcflow/flow-device': fakeDevice() });

async function failureOf(options: OidcAuthOptions): Promise<OidcflowError> {
  const auth = new OidcAuth({
    clientId: 'cli',
    logger: silentLogger,
    loadModule: bothFlows(),
    env: {},
    ...options,
  });
  const error = await auth.getAccessToken().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!OidcflowError.isInstance(error)) throw new Error(`expected an OidcflowError, got ${String(error)}`);
  return error;
}

async function discoveryServer(answer: (baseUrl: string) => { status: number; type: string; body: string }) {
  const server = await startFixtureServer((_request, response, baseUrl) => {
    const { status, type, body } = answer(baseUrl);
    response.writeHead(status, { 'content-type': type });
    response.end(body);
  });
  servers.push(server);
  return server;
}

describe('bad input: each error has a stable code and says what to do', () => {
  it('unreachable issuer → IDP_UNREACHABLE', async () => {
    const error = await failureOf({ issuer: `http://127.0.0.1:${await closedPort()}` });
    expect(error.code).toBe(ErrorCode.IDP_UNREACHABLE);
    expect(error.message).toMatch(/Check the issuer URL/);
  });

  it('discovery 404 on both well-known URLs → DISCOVERY_NOT_FOUND, suggesting endpoint overrides', async () => {
    const server = await discoveryServer(() => ({ status: 404, type: 'text/plain', body: 'not found' }));
    const error = await failureOf({ issuer: server.url });
    expect(error.code).toBe(ErrorCode.DISCOVERY_NOT_FOUND);
    expect(error.message).toMatch(/give tokenEndpoint/);
    expect(server.requests).toEqual([
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
    ]);
  });

  it('discovery answering an HTML page → DISCOVERY_INVALID', async () => {
    const server = await discoveryServer(() => ({
      status: 200,
      type: 'text/html',
      body: '<html><body>Sign in</body></html>',
    }));
    const error = await failureOf({ issuer: server.url });
    expect(error.code).toBe(ErrorCode.DISCOVERY_INVALID);
    expect(error.message).toMatch(/an HTML page.*Check the issuer URL/);
  });

  it('discovery answering something that is not JSON → DISCOVERY_INVALID', async () => {
    const server = await discoveryServer(() => ({
      status: 200,
      type: 'application/json',
      body: 'issuer=nope',
    }));
    const error = await failureOf({ issuer: server.url });
    expect(error.code).toBe(ErrorCode.DISCOVERY_INVALID);
    expect(error.message).toMatch(/not JSON/);
  });

  it('discovery answering HTTP 500 → DISCOVERY_INVALID with the status', async () => {
    const server = await discoveryServer(() => ({ status: 500, type: 'text/plain', body: 'boom' }));
    const error = await failureOf({ issuer: server.url });
    expect(error.code).toBe(ErrorCode.DISCOVERY_INVALID);
    expect(error.status).toBe(500);
  });

  it('discovery for another issuer → ISSUER_MISMATCH, naming the issuer to use', async () => {
    const server = await discoveryServer(() => ({
      status: 200,
      type: 'application/json',
      body: JSON.stringify({
        issuer: 'https://other.example.test',
        token_endpoint: 'https://other.example.test/token',
      }),
    }));
    const error = await failureOf({ issuer: server.url });
    expect(error.code).toBe(ErrorCode.ISSUER_MISMATCH);
    expect(error.message).toContain(`the issuer configured is "${server.url}"`);
    expect(error.message).toMatch(/set the issuer option to "https:\/\/other\.example\.test"/);
  });

  it('a flow whose endpoint is missing and not overridden → ENDPOINT_MISSING, naming the option', async () => {
    const server = await discoveryServer((base) => ({
      status: 200,
      type: 'application/json',
      body: JSON.stringify({
        issuer: base,
        token_endpoint: `${base}/token`,
        authorization_endpoint: `${base}/auth`,
      }),
    }));
    const error = await failureOf({ issuer: server.url, flow: 'device' });
    expect(error.code).toBe(ErrorCode.ENDPOINT_MISSING);
    expect(error.message).toMatch(/set deviceAuthorizationEndpoint/);
  });

  it('an unknown flow name → FLOW_UNKNOWN, listing the known ones', async () => {
    const server = await discoveryServer((base) => ({
      status: 200,
      type: 'application/json',
      body: JSON.stringify({
        issuer: base,
        token_endpoint: `${base}/token`,
        authorization_endpoint: `${base}/auth`,
      }),
    }));
    const error = await failureOf({ issuer: server.url, flow: 'implicit' });
    expect(error.code).toBe(ErrorCode.FLOW_UNKNOWN);
    expect(error.message).toMatch(/Use "auto" or one of: .*auth_code.*device/);
  });

  it('a flow whose package is not installed → FLOW_NOT_INSTALLED with the install command', async () => {
    const server = await discoveryServer((base) => ({
      status: 200,
      type: 'application/json',
      body: JSON.stringify({
        issuer: base,
        token_endpoint: `${base}/token`,
        device_authorization_endpoint: `${base}/device`,
      }),
    }));
    const error = await failureOf({
      issuer: server.url,
      flow: 'device',
      loadModule: loaderWith({ '@oidcflow/flow-authcode': fakeAuthCode() }),
    });
    expect(error.code).toBe(ErrorCode.FLOW_NOT_INSTALLED);
    expect(error.message).toMatch(/pnpm add @oidcflow\/flow-device/);
  });

  it('caCertPath naming no file → CA_CERT_NOT_FOUND', async () => {
    const server = await discoveryServer(() => ({ status: 404, type: 'text/plain', body: '' }));
    const error = await failureOf({ issuer: server.url, caCertPath: '~/no/such/ca.pem' });
    expect(error.code).toBe(ErrorCode.CA_CERT_NOT_FOUND);
    expect(error.message).toMatch(/Point caCertPath .* at a PEM file/);
    expect(server.requests).toEqual([]);
  });

  it('caCertPath holding no PEM certificate → CA_CERT_INVALID', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'oidcflow-ca-'));
    const path = join(directory, 'ca.pem');
    writeFileSync(path, 'this is not a certificate\n');
    const server = await discoveryServer(() => ({ status: 404, type: 'text/plain', body: '' }));
    const error = await failureOf({ issuer: server.url, caCertPath: path });
    expect(error.code).toBe(ErrorCode.CA_CERT_INVALID);
    expect(error.message).toMatch(/BEGIN CERTIFICATE/);
  });

  it('empty issuer and no server source → CONFIG_MISSING_ISSUER naming both options', async () => {
    const error = await failureOf({ issuer: '' });
    expect(error.code).toBe(ErrorCode.CONFIG_MISSING_ISSUER);
    expect(error.message).toMatch(/issuer option/);
    expect(error.message).toMatch(/server source/);
  });

  it('a server source function that throws → SERVER_SOURCE_FAILED', async () => {
    const error = await failureOf({
      issuer: '',
      server: () => {
        throw new Error('the xGT server is down');
      },
    });
    expect(error.code).toBe(ErrorCode.SERVER_SOURCE_FAILED);
    expect(error.message).toMatch(/the xGT server is down.*Give issuer and clientId explicitly/);
  });

  it('RFC 9728 metadata that fails (HTTP 500) → SERVER_SOURCE_FAILED', async () => {
    const resource = await discoveryServer(() => ({ status: 500, type: 'text/plain', body: 'down' }));
    const error = await failureOf({ issuer: '', server: { resourceUrl: resource.url } });
    expect(error.code).toBe(ErrorCode.SERVER_SOURCE_FAILED);
    expect(error.message).toMatch(/HTTP 500/);
  });

  it('an http: issuer on a non-loopback host → CONFIG_INSECURE_URL, naming the opt-in', async () => {
    const error = await failureOf({ issuer: 'http://idp.example.test' });
    expect(error.code).toBe(ErrorCode.CONFIG_INSECURE_URL);
    expect(error.message).toMatch(/allowInsecureHttp/);
  });

  it('a callbackPort that is not a port → CONFIG_INVALID at construction', () => {
    expect(
      () => new OidcAuth({ issuer: 'https://idp.example.test', clientId: 'cli', callbackPort: 70_000 }),
    ).toThrow(expect.objectContaining({ code: ErrorCode.CONFIG_INVALID }));
  });

  it('useServerAudience without a server source → CONFIG_INVALID at construction, naming both fixes', () => {
    let error: unknown;
    try {
      new OidcAuth({ issuer: 'https://idp.example.test', clientId: 'cli', useServerAudience: true });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toMatchObject({ code: ErrorCode.CONFIG_INVALID });
    expect((error as Error).message).toMatch(
      /no server source is set: add the server option .* or set audience/,
    );
    expect((error as Error).message).not.toMatch(/OIDCFLOW_/);
  });

  it("says what to set in the library's words, not the CLI's variables", async () => {
    const error = await failureOf({ clientId: 'cli' });
    expect(error.code).toBe(ErrorCode.CONFIG_MISSING_ISSUER);
    expect(error.message).toMatch(/set the issuer option/);
    expect(error.message).not.toMatch(/OIDCFLOW_|--issuer/);
  });

  it('scopes given as one space-separated string → CONFIG_INVALID', async () => {
    const error = await failureOf({ issuer: 'https://idp.example.test', scopes: ['openid profile'] });
    expect(error.code).toBe(ErrorCode.CONFIG_INVALID);
    expect(error.message).toMatch(/not 'openid profile'/);
  });

  it('no installed flow fits → NO_FLOW_AVAILABLE listing each flow and why', async () => {
    const server = await discoveryServer((base) => ({
      status: 200,
      type: 'application/json',
      body: JSON.stringify({ issuer: base, token_endpoint: `${base}/token` }),
    }));
    const error = await failureOf({ issuer: server.url });
    expect(error.code).toBe(ErrorCode.NO_FLOW_AVAILABLE);
    expect(error.message).toMatch(/auth_code: the IdP advertises no authorization_endpoint/);
    expect(error.message).toMatch(/device: the IdP advertises no device_authorization_endpoint/);
    expect(error.message).toMatch(/client_credentials: package not installed/);
  });
});

describe('messages never carry secrets', () => {
  it('a client secret does not appear in a discovery error', async () => {
    const server = await discoveryServer(() => ({ status: 404, type: 'text/plain', body: '' }));
    const error = await failureOf({ issuer: server.url, clientSecret: 'very-secret-value-123' });
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('very-secret-value-123');
  });
});
