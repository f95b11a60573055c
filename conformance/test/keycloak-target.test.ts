import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath } from '../src/browser-bridge/chromium.js';
import { audienceOf, jwtClaims } from '../src/support/jwt.js';
import { keycloakTarget, type RunningKeycloak } from '../src/targets/keycloak/index.js';
import { groupAlive } from '../src/targets/keycloak/process-group.js';
import { TargetUnavailable } from '../src/targets/target.js';

const keycloakRequired = (process.env.OIDCFLOW_REQUIRE ?? '')
  .split(',')
  .map((name) => name.trim())
  .includes('keycloak');

let running: RunningKeycloak | undefined;
let unavailableReason: string | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  const startedAt = Date.now();
  try {
    running = (await keycloakTarget().start()) as RunningKeycloak;
    console.info(
      `keycloak target: ${running.description} ready in ${Date.now() - startedAt} ms${running.reusedDevBuild === false ? ' (first start: dev build made and kept)' : ''}`,
    );
  } catch (error) {
    if (!(error instanceof TargetUnavailable)) throw error;
    unavailableReason = error.message;
    console.info(
      `Keycloak cannot run here: ${unavailableReason}${keycloakRequired ? ' (required by OIDCFLOW_REQUIRE)' : ''}`,
    );
  }
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
}, 60_000);

/** The running target, or: a failure under OIDCFLOW_REQUIRE=keycloak, else a skip with the reason. */
function target(context: TestContext): RunningKeycloak {
  if (running) return running;
  const reason = `Keycloak cannot run here: ${unavailableReason ?? 'it did not start'}`;
  if (keycloakRequired) throw new Error(`${reason} (OIDCFLOW_REQUIRE includes keycloak)`);
  context.skip(reason);
  throw new Error('unreachable');
}

async function postForm(
  url: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function launchBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
  return browser;
}

describe('the Keycloak conformance target', () => {
  it('serves discovery for the oidcflow realm at the issuer it reports', async (context) => {
    const keycloak = target(context);
    expect(keycloak.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/realms\/oidcflow$/);
    const response = await fetch(`${keycloak.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata.issuer).toBe(keycloak.issuer);
    expect(metadata.device_authorization_endpoint).toBe(
      `${keycloak.issuer}/protocol/openid-connect/auth/device`,
    );
    expect(metadata.revocation_endpoint).toBeTypeOf('string');
    expect(metadata.code_challenge_methods_supported).toContain('S256');
    expect(keycloak.description).toMatch(
      /^Keycloak 26\.\d+\.\d+, (local distribution on Java \d+|container )/,
    );
    expect(keycloak.capabilities.audience?.sentAs).toBe('mapper');
  });

  it('gives the confidential client a token carrying the mapped audience (client credentials)', async (context) => {
    const keycloak = target(context);
    const client = keycloak.clients.client_credentials!;
    const { status, body } = await postForm(`${keycloak.issuer}/protocol/openid-connect/token`, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    expect(status).toBe(200);
    const claims = jwtClaims(String(body.access_token));
    expect(claims?.iss).toBe(keycloak.issuer);
    expect(audienceOf(claims)).toContain(keycloak.capabilities.audience!.expectedAud);

    const refused = await postForm(`${keycloak.issuer}/protocol/openid-connect/token`, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: 'wrong-secret',
    });
    expect(refused.status).toBe(401);
  });

  it('completes a device login through its pages, then rotates the refresh token', async (context) => {
    const keycloak = target(context);
    const client = keycloak.clients.device!;
    const authorization = await postForm(`${keycloak.issuer}/protocol/openid-connect/auth/device`, {
      client_id: client.clientId,
      scope: client.scopes.join(' '),
    });
    expect(authorization.status).toBe(200);
    const { device_code, user_code, verification_uri_complete, interval } = authorization.body as Record<
      string,
      string
    >;
    expect(Number(interval)).toBe(1);

    const page = await (await (await launchBrowser()).newContext()).newPage();
    try {
      await page.goto(verification_uri_complete!);
      await keycloak.pages.completeDeviceVerification(page, {
        user: keycloak.user,
        userCode: user_code!,
        consent: 'approve',
      });
    } finally {
      await page.context().close();
    }

    // The token poll's success is the signal that the device login finished (bounded: 20 polls).
    let tokens: Record<string, unknown> | undefined;
    for (let poll = 0; poll < 20 && !tokens; poll += 1) {
      const { status, body } = await postForm(`${keycloak.issuer}/protocol/openid-connect/token`, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: client.clientId,
        device_code: device_code!,
      });
      if (status === 200) tokens = body;
      else {
        expect(body.error).toBe('authorization_pending');
        await sleep(1_000);
      }
    }
    expect(tokens, 'the device login did not finish within 20 polls').toBeDefined();
    const claims = jwtClaims(String(tokens!.access_token));
    expect(claims?.preferred_username).toBe(keycloak.user.username);
    expect(audienceOf(claims)).toContain(keycloak.capabilities.audience!.expectedAud);
    expect(jwtClaims(String(tokens!.id_token))?.aud).toBe(client.clientId);

    const refresh = (refreshToken: string) =>
      postForm(`${keycloak.issuer}/protocol/openid-connect/token`, {
        grant_type: 'refresh_token',
        client_id: client.clientId,
        refresh_token: refreshToken,
      });
    const rotated = await refresh(String(tokens!.refresh_token));
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(tokens!.refresh_token);
    const reused = await refresh(String(tokens!.refresh_token));
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('types the user code on the plain verification page and refuses the device', async (context) => {
    const keycloak = target(context);
    const client = keycloak.clients.device!;
    const authorization = await postForm(`${keycloak.issuer}/protocol/openid-connect/auth/device`, {
      client_id: client.clientId,
      scope: client.scopes.join(' '),
    });
    const { device_code, user_code, verification_uri } = authorization.body as Record<string, string>;
    const page = await (await (await launchBrowser()).newContext()).newPage();
    try {
      await page.goto(verification_uri!);
      await keycloak.pages.completeDeviceVerification(page, {
        user: keycloak.user,
        userCode: user_code!,
        consent: 'deny',
      });
    } finally {
      await page.context().close();
    }
    const { status, body } = await postForm(`${keycloak.issuer}/protocol/openid-connect/token`, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: client.clientId,
      device_code: device_code!,
    });
    expect(status).toBe(400);
    expect(body.error).toBe('access_denied');
  });

  it('lets the auth code + PKCE login be approved, then refused although approved before', async (context) => {
    const keycloak = target(context);
    const client = keycloak.clients.auth_code!;
    const callbacks: URL[] = [];
    const listener: Server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/callback') callbacks.push(url); // Not the browser's /favicon.ico.
      response.end('done');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    try {
      for (const consent of ['approve', 'deny'] as const) {
        const verifier = randomBytes(32).toString('base64url');
        const url = new URL(`${keycloak.issuer}/protocol/openid-connect/auth`);
        url.search = new URLSearchParams({
          client_id: client.clientId,
          response_type: 'code',
          redirect_uri: `http://127.0.0.1:${port}/callback`,
          scope: client.scopes.join(' '),
          state: consent,
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
        }).toString();
        const page = await (await (await launchBrowser()).newContext()).newPage();
        try {
          await page.goto(url.href);
          await keycloak.pages.completeLogin(page, { user: keycloak.user, consent });
        } finally {
          await page.context().close();
        }
      }
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
    expect(callbacks.map((callback) => callback.searchParams.get('state'))).toEqual(['approve', 'deny']);
    expect(callbacks[0]?.searchParams.get('code')).toBeTruthy();
    expect(callbacks[0]?.searchParams.get('iss')).toBe(keycloak.issuer);
    expect(callbacks[1]?.searchParams.get('error')).toBe('access_denied');
  });

  it('stops: the port is closed and no process of it is left', async (context) => {
    const keycloak = target(context);
    await keycloak.stop();
    const { port } = new URL(keycloak.baseUrl);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    if (keycloak.processGroupId !== undefined) expect(groupAlive(keycloak.processGroupId)).toBe(false);
  });
});
