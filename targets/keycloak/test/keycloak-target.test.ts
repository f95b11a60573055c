import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { get as httpsGet } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  audienceOf,
  FormRefused,
  jwtClaims,
  TargetUnavailable,
  type TestUser,
} from '@oidcflow/conformance/targets';
import { testBrowserLaunchOptions } from '@oidcflow/test-browser';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from 'vitest';
import {
  keycloakTarget,
  REALM_TESTER_USERNAME,
  type RunningKeycloak,
  sharedKeycloakState,
  sharedKeycloakTarget,
} from '../src/index.js';

const keycloakRequired = (process.env.OIDCFLOW_REQUIRE ?? '')
  .split(',')
  .map((name) => name.trim())
  .includes('keycloak');

let running: RunningKeycloak | undefined;
let unavailableReason: string | undefined;
let browser: Browser | undefined;
/** The run's Keycloak broker (test/global-setup.ts); absent when this file runs on its own config. */
const broker = inject('keycloakBroker');

beforeAll(async () => {
  const startedAt = Date.now();
  try {
    // The run's one Keycloak, as a second user: the matrix runs beside these tests on the same
    // server, and revoking this user's consents must not end the matrix user's sessions.
    const target = broker
      ? sharedKeycloakTarget(broker, { username: REALM_TESTER_USERNAME })
      : keycloakTarget();
    running = (await target.start()) as RunningKeycloak;
    console.info(
      `keycloak target: ${running.description} ready for this file in ${Date.now() - startedAt} ms${running.reusedDevBuild === false ? ' (first start: dev build made and kept)' : ''}`,
    );
  } catch (error) {
    if (!(error instanceof TargetUnavailable)) throw error;
    unavailableReason = error.message;
    console.info(
      `Keycloak cannot run here: ${unavailableReason}${keycloakRequired ? ' (required by OIDCFLOW_REQUIRE)' : ''}`,
    );
  }
}, 16 * 60_000);

afterAll(async () => {
  await browser?.close();
  // A borrowed Keycloak's stop() does nothing: the broker stops it at the end of the run.
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
  browser ??= await chromium.launch(await testBrowserLaunchOptions());
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

  it("reports a refused password, one-time code and device user code with Keycloak's words, at once", async (context) => {
    const keycloak = target(context);
    const stepUp = keycloak.stepUp!;
    // The browser never reaches the callback: Keycloak refuses first.
    const listener: Server = createServer((_request, response) => response.end('done'));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    /** The page script's error on the login page of `clientId` (with `extra` parameters) for `user`. */
    const refusal = async (clientId: string, user: TestUser, extra: Record<string, string> = {}) => {
      const url = new URL(`${keycloak.issuer}/protocol/openid-connect/auth`);
      url.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: `http://127.0.0.1:${port}/callback`,
        scope: 'openid',
        code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
        code_challenge_method: 'S256',
        ...extra,
      }).toString();
      const page = await (await (await launchBrowser()).newContext()).newPage();
      const started = Date.now();
      try {
        await page.goto(url.href);
        await keycloak.pages.completeLogin(page, { user, consent: 'approve' });
        return { error: undefined, ms: Date.now() - started };
      } catch (error) {
        return { error: error as Error, ms: Date.now() - started };
      } finally {
        await page.context().close();
      }
    };
    try {
      const password = await refusal(keycloak.clients.auth_code!.clientId, {
        ...keycloak.user,
        password: 'not-the-password',
      });
      expect(password.error).toBeInstanceOf(FormRefused);
      expect(password.error?.message).toBe(
        "Keycloak refused the test user's sign-in: Invalid username or password.",
      );
      // The right password, then a code one digit short (never valid): the code is refused.
      const code = await refusal(
        stepUp.client.clientId,
        { ...stepUp.user, oneTimeCode: () => (stepUp.user.oneTimeCode?.() ?? '000000').slice(0, -1) },
        { acr_values: stepUp.strongerAcr },
      );
      expect(code.error?.message).toBe(
        "Keycloak refused the test user's one-time code: Invalid authenticator code.",
      );
      // A device user code Keycloak never issued, typed on its verification page.
      const page = await (await (await launchBrowser()).newContext()).newPage();
      try {
        await page.goto(`${keycloak.issuer}/device`);
        const device = await keycloak.pages
          .completeDeviceVerification(page, {
            user: keycloak.user,
            userCode: 'WXYZ-WXYZ',
            consent: 'approve',
          })
          .then(
            () => undefined,
            (error: unknown) => error as Error,
          );
        expect(device?.message).toBe(
          'Keycloak refused the device user code: Invalid code, please try again.',
        );
      } finally {
        await page.context().close();
      }
      console.info(
        `keycloak refusals: the page script failed ${password.ms} ms (password) and ${code.ms} ms (one-time code) after opening the page`,
      );
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('is the run’s one shared Keycloak, started once', async (context) => {
    const keycloak = target(context);
    if (!broker) context.skip('no Keycloak broker (run through conformance/vitest.config.ts)');
    const state = await sharedKeycloakState(broker);
    expect(state.state).toBe('ready');
    expect(state.starts).toBe(1);
    expect(keycloak.description).toMatch(/shared by this test run$/);
    expect(keycloak.user.username).toBe(REALM_TESTER_USERNAME);
  });

  it('serves the realm over HTTPS too, with a certificate only the run’s CA trusts', async (context) => {
    const keycloak = target(context);
    if (keycloak.runtime !== 'local') context.skip('HTTPS is set up for the local distribution only');
    const tls = keycloak.tlsEndpoint!;
    expect(tls.issuer).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/realms\/oidcflow$/);
    expect(keycloak.capabilities.customCa).toBe(true);
    const discovery = (ca?: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const request = httpsGet(
          `${tls.issuer}/.well-known/openid-configuration`,
          { ...(ca ? { ca } : {}), timeout: 10_000 },
          (response) => {
            let body = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              body += chunk;
            });
            response.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
          },
        );
        request.on('timeout', () => request.destroy(new Error('timeout')));
        request.on('error', reject);
      });
    await expect(discovery()).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    const metadata = await discovery(await readFile(tls.caCertPath, 'utf8'));
    // Dev mode takes the issuer from the request: over HTTPS it is the HTTPS one.
    expect(metadata.issuer).toBe(tls.issuer);
    expect(metadata.token_endpoint).toBe(`${tls.issuer}/protocol/openid-connect/token`);
  });

  it('enforces the device timing of the dedicated clients: a 3 s code lifespan and a 3 s interval', async (context) => {
    const keycloak = target(context);
    const timing = keycloak.deviceTiming!;
    const deviceAuthorization = (clientId: string) =>
      postForm(`${keycloak.issuer}/protocol/openid-connect/auth/device`, {
        client_id: clientId,
        scope: 'openid',
      });
    const poll = (clientId: string, deviceCode: string) =>
      postForm(`${keycloak.issuer}/protocol/openid-connect/token`, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: clientId,
        device_code: deviceCode,
      });

    const slow = await deviceAuthorization(timing.slowClient.clientId);
    expect(slow.body.interval).toBe(timing.intervalSeconds);
    const slowCode = String(slow.body.device_code);
    expect((await poll(timing.slowClient.clientId, slowCode)).body.error).toBe('authorization_pending');
    expect((await poll(timing.slowClient.clientId, slowCode)).body.error).toBe('slow_down');

    const expiring = await deviceAuthorization(timing.expiringClient.clientId);
    expect(expiring.body.expires_in).toBe(timing.codeLifespanSeconds);
    const expiringCode = String(expiring.body.device_code);
    expect((await poll(timing.expiringClient.clientId, expiringCode)).body.error).toBe(
      'authorization_pending',
    );
    await sleep((timing.codeLifespanSeconds + 1.5) * 1000);
    expect((await poll(timing.expiringClient.clientId, expiringCode)).body.error).toBe('expired_token');
  });
});
