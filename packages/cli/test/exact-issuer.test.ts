// The built `oidcflow` binary against IdPs whose issuer ends in a slash or has a path: the
// issuer is used and printed byte for byte (OIDC Discovery §4.3), by login, status and explain.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  completeAuthorizationWithoutBrowser,
  completeDeviceVerificationWithoutBrowser,
  startTestIdp,
  type TestIdp,
} from '@oidcflow/test-idp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertBuilt, type CliProcess, CliSandbox } from './support/cli-process.js';

/** The value of a `name:   value` row of status or explain. */
function row(stdout: string, name: string): string | undefined {
  const line = stdout.split('\n').find((text) => text.startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

/** A protected resource on 127.0.0.1 whose RFC 9728 metadata names `issuer` as its authorization server. */
async function startResourceMetadataServer(
  issuer: string,
): Promise<{ resource: string; stop(): Promise<void> }> {
  let resource = '';
  const server: Server = createServer((request, response) => {
    if (request.url !== '/.well-known/oauth-protected-resource/api') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ resource, authorization_servers: [issuer] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  resource = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  return {
    resource,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(['/', '/realms/x', '/tenant/v2.0'])('issuer path %j', (issuerPath) => {
  let idp: TestIdp;
  let sandbox: CliSandbox;
  beforeAll(async () => {
    assertBuilt();
    idp = await startTestIdp({ issuerPath, deviceIntervalSeconds: 1 });
  });
  afterAll(async () => {
    await idp?.stop();
  });
  beforeEach(async () => {
    sandbox = await CliSandbox.create();
    idp.requests.reset();
  });
  afterEach(async () => {
    await sandbox.dispose();
  });

  const deviceLogin = (issuer: string) => [
    '--issuer',
    issuer,
    '--client-id',
    idp.clients.device.clientId,
    '--flow',
    'device',
    '--no-browser',
    '--cache-path',
    sandbox.cachePath,
  ];

  async function approveDevice(cli: CliProcess): Promise<void> {
    const [, url] = await cli.waitForStderr(/code filled in:\s*\n\s+(\S+)/);
    await completeDeviceVerificationWithoutBrowser(url!, idp.user);
  }

  it('login, then status and explain print the issuer exactly as given; explain reads the cached metadata', async () => {
    expect(idp.issuer.endsWith(issuerPath)).toBe(true);
    const cli = sandbox.start(['login', ...deviceLogin(idp.issuer)]);
    await approveDevice(cli);
    const login = await cli.done;
    expect(login.stderr).toMatch(/Logged in as alice with the device flow\./);
    expect(login.code).toBe(0);

    const status = await sandbox.run(['status', ...deviceLogin(idp.issuer)]);
    expect(status.code).toBe(0);
    expect(row(status.stdout, 'issuer')).toBe(idp.issuer);

    idp.requests.reset();
    const explain = await sandbox.run(['explain', ...deviceLogin(idp.issuer)]);
    expect(explain.code).toBe(0);
    expect(row(explain.stdout, 'issuer')).toBe(idp.issuer);
    expect(row(explain.stdout, 'metadata')).toBe('from cache');
    expect(idp.requests.count()).toBe(0);

    const json = await sandbox.run(['explain', '--output', 'json', ...deviceLogin(idp.issuer)]);
    expect(JSON.parse(json.stdout)).toMatchObject({ issuer: idp.issuer, metadataSource: 'cache' });
  });

  it('client credentials: a new grant reuses the cached metadata, 1 round trip at the IdP', async () => {
    const ci = [
      '--issuer',
      idp.issuer,
      '--client-id',
      idp.clients.ci.clientId,
      '--client-credentials',
      '--cache-path',
      sandbox.cachePath,
    ];
    const env = { OIDCFLOW_CLIENT_SECRET: idp.clients.ci.clientSecret };
    expect((await sandbox.run(['token', ...ci], env)).code).toBe(0);
    idp.requests.reset();
    const renewal = await sandbox.run(['login', ...ci], env);
    expect(renewal.code).toBe(0);
    expect(idp.requests.count()).toBe(1);
    expect(idp.requests.tokenRequests('client_credentials')).toBe(1);
  });

  it('an issuer from RFC 9728 resource metadata (--resource-url) is printed by status exactly too', async () => {
    const resourceServer = await startResourceMetadataServer(idp.issuer);
    try {
      const args = [
        '--resource-url',
        resourceServer.resource,
        '--client-id',
        idp.clients.device.clientId,
        '--flow',
        'device',
        '--no-browser',
        '--cache-path',
        sandbox.cachePath,
      ];
      const cli = sandbox.start(['login', ...args]);
      await approveDevice(cli);
      expect((await cli.done).code).toBe(0);
      const status = await sandbox.run(['status', ...args]);
      expect(status.code).toBe(0);
      expect(row(status.stdout, 'issuer')).toBe(idp.issuer);
    } finally {
      await resourceServer.stop();
    }
  });

  it('the spelling the IdP does not use fails at once, naming both spellings and what to pass', async () => {
    const other = idp.issuer.endsWith('/') ? idp.issuer.replace(/\/+$/, '') : `${idp.issuer}/`;
    const result = await sandbox.run(['login', ...deviceLogin(other)]);
    expect(result.code).toBe(8);
    expect(result.stderr).toContain(`says its issuer is "${idp.issuer}"`);
    expect(result.stderr).toContain(`the issuer configured is "${other}"`);
    expect(result.stderr).toContain(`--issuer) to "${idp.issuer}"`);
    expect(idp.requests.tokenRequests()).toBe(0);
  });
});

describe.each(['/', '/tenant/v2.0/'])('issuer path %j, auth_code and refresh', (issuerPath) => {
  let idp: TestIdp;
  let sandbox: CliSandbox;
  beforeAll(async () => {
    assertBuilt();
    // Access tokens of 2 s are fresh for 1 s (half their life): the next `token` refreshes.
    idp = await startTestIdp({ issuerPath, lifetimes: { accessToken: 2 } });
  });
  afterAll(async () => {
    await idp?.stop();
  });
  beforeEach(async () => {
    sandbox = await CliSandbox.create();
  });
  afterEach(async () => {
    await sandbox.dispose();
  });

  it('logs in with the browser flow, then refreshes in exactly 1 round trip (the cached metadata is reused)', async () => {
    const args = [
      '--issuer',
      idp.issuer,
      '--client-id',
      idp.clients.native.clientId,
      '--flow',
      'auth_code',
      '--no-browser',
      '--callback-port',
      '0',
      '--cache-path',
      sandbox.cachePath,
    ];
    const cli = sandbox.start(['login', ...args]);
    const [, url] = await cli.waitForStderr(/^\s+(http:\/\/127\.0\.0\.1:\d+\/\S*auth\?\S+)$/m);
    const callback = await completeAuthorizationWithoutBrowser(url!, idp.user);
    await (await fetch(callback)).text();
    const login = await cli.done;
    expect(login.stderr).toMatch(/Logged in as alice with the auth_code flow\./);
    expect(login.code).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 1_200));
    idp.requests.reset();
    const token = await sandbox.run(['token', ...args]);
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).not.toBe('');
    expect(idp.requests.count()).toBe(1);
    expect(idp.requests.tokenRequests('refresh_token')).toBe(1);
  });
});
