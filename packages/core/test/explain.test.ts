import { afterEach, describe, expect, it } from 'vitest';
import { OidcAuth, silentLogger } from '../src/index.js';
import { fakeAuthCode, fakeDevice, loaderWith } from './fake-flows.js';
import { type FixtureServer, json, startFixtureServer } from './http-fixture.js';

const servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function idp(withDevice: boolean) {
  const server = await startFixtureServer((request, response, base) => {
    if (request.url !== '/.well-known/openid-configuration') return json(response, 404, {});
    json(response, 200, {
      issuer: base,
      token_endpoint: `${base}/token`,
      authorization_endpoint: `${base}/auth`,
      ...(withDevice ? { device_authorization_endpoint: `${base}/device` } : {}),
    });
  });
  servers.push(server);
  return server.url;
}

const desktop = { DISPLAY: ':0' };

describe('explain()', () => {
  it('with only flow-device installed: device chosen, the others say how to install them', async () => {
    const auth = new OidcAuth({
      issuer: await idp(true),
      clientId: 'cli',
      env: desktop,
      logger: silentLogger,
      loadModule: loaderWith({ '@oidcflow/flow-device': fakeDevice() }),
    });
    const report = await auth.explain();
    expect(report.chosen).toBe('device');
    const byName = Object.fromEntries(report.flows.map((flow) => [flow.name, flow]));
    expect(byName.auth_code).toMatchObject({ installed: false, chosen: false });
    expect(byName.auth_code?.reason).toBe(
      'package not installed: pnpm add @oidcflow/flow-authcode (or npm install @oidcflow/flow-authcode)',
    );
    expect(byName.client_credentials?.reason).toMatch(/pnpm add @oidcflow\/flow-credentials/);
    expect(byName.device).toMatchObject({ installed: true, chosen: true });
  });

  it('with metadata without a device endpoint: auth_code chosen, device says why not', async () => {
    const auth = new OidcAuth({
      issuer: await idp(false),
      clientId: 'cli',
      env: desktop,
      logger: silentLogger,
      loadModule: loaderWith({
        '@oidcflow/flow-authcode': fakeAuthCode(),
        '@oidcflow/flow-device': fakeDevice(),
      }),
    });
    const report = await auth.explain();
    expect(report.chosen).toBe('auth_code');
    const device = report.flows.find((flow) => flow.name === 'device');
    expect(device).toMatchObject({ installed: true, chosen: false });
    expect(device?.reason).toMatch(/no device_authorization_endpoint/);
    expect(report.metadataSource).toBe('discovery');
  });

  it('in a headless environment (CI): device preferred over the browser flow, and the reason says so', async () => {
    const auth = new OidcAuth({
      issuer: await idp(true),
      clientId: 'cli',
      env: { CI: 'true' },
      logger: silentLogger,
      loadModule: loaderWith({
        '@oidcflow/flow-authcode': fakeAuthCode(),
        '@oidcflow/flow-device': fakeDevice(),
      }),
    });
    const report = await auth.explain();
    expect(report.environment.browserAvailable).toBe(false);
    expect(report.chosen).toBe('device');
    const device = report.flows.find((flow) => flow.name === 'device');
    expect(device?.reason).toMatch(/chosen: no browser can be shown \(running in CI/);
    expect(report.flows.find((flow) => flow.name === 'auth_code')?.reason).toMatch(/device was preferred/);
  });

  it('with a display and both flows: auth_code first, as the reference API says', async () => {
    const auth = new OidcAuth({
      issuer: await idp(true),
      clientId: 'cli',
      env: desktop,
      logger: silentLogger,
      loadModule: loaderWith({
        '@oidcflow/flow-authcode': fakeAuthCode(),
        '@oidcflow/flow-device': fakeDevice(),
      }),
    });
    expect((await auth.explain()).chosen).toBe('auth_code');
  });

  it('a named flow that cannot run is reported as a problem, not thrown', async () => {
    const auth = new OidcAuth({
      issuer: await idp(false),
      clientId: 'cli',
      flow: 'device',
      env: desktop,
      logger: silentLogger,
      loadModule: loaderWith({
        '@oidcflow/flow-authcode': fakeAuthCode(),
        '@oidcflow/flow-device': fakeDevice(),
      }),
    });
    const report = await auth.explain();
    expect(report.chosen).toBeUndefined();
    expect(report.problem?.code).toBe('ENDPOINT_MISSING');
  });
});
