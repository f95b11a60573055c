import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  audienceOf,
  FormRefused,
  groupAlive,
  jwtClaims,
  killGroup,
  TargetUnavailable,
  TRUSTED_WORKLOADS,
} from '@oidcflow/conformance/targets';
import { spendPlatformToken, tryWorkloadRequests } from '@oidcflow/conformance/testing';
import { createMemoryCache, OidcAuth, OidcflowError } from '@oidcflow/core';
import { createDeviceFlow } from '@oidcflow/flow-device';
import { testBrowserLaunchOptions } from '@oidcflow/test-browser';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { type RunningSpring, SPRING_CLIENTS, springTarget } from '../src/index.js';

const SPRING_API = SPRING_CLIENTS.api;

const springRequired = (process.env.OIDCFLOW_REQUIRE ?? '')
  .split(',')
  .map((name) => name.trim())
  .includes('spring');

let running: RunningSpring | undefined;
let unavailableReason: string | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  const startedAt = Date.now();
  try {
    running = (await springTarget().start()) as RunningSpring;
    console.info(
      `spring target: ${running.description} ready in ${Date.now() - startedAt} ms${running.built ? ' (jar built first)' : ''}`,
    );
  } catch (error) {
    if (!(error instanceof TargetUnavailable)) throw error;
    unavailableReason = error.message;
    console.info(
      `Spring cannot run here: ${unavailableReason}${springRequired ? ' (required by OIDCFLOW_REQUIRE)' : ''}`,
    );
  }
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
}, 60_000);

/** The running target, or: a failure under OIDCFLOW_REQUIRE=spring, else a skip with the reason. */
function target(context: TestContext): RunningSpring {
  if (running) return running;
  const reason = `the Spring Authorization Server cannot run here: ${unavailableReason ?? 'it did not start'}`;
  if (springRequired) throw new Error(`${reason} (OIDCFLOW_REQUIRE includes spring)`);
  context.skip(reason);
  throw new Error('unreachable');
}

async function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function launchBrowser(): Promise<Browser> {
  browser ??= await chromium.launch(await testBrowserLaunchOptions());
  return browser;
}

async function metadata(spring: RunningSpring): Promise<Record<string, string>> {
  const response = await fetch(`${spring.issuer}/.well-known/openid-configuration`);
  return (await response.json()) as Record<string, string>;
}

/** Polls the device code grant until it answers other than authorization_pending (bounded: 20 polls). */
async function pollDevice(
  spring: RunningSpring,
  deviceCode: string,
  intervalMs: number,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const { token_endpoint } = await metadata(spring);
  for (let poll = 0; poll < 20; poll += 1) {
    const answer = await postForm(token_endpoint!, {
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      client_id: spring.clients.device!.clientId,
      device_code: deviceCode,
    });
    if (answer.body.error !== 'authorization_pending') return answer;
    await sleep(intervalMs);
  }
  throw new Error('the device grant was still pending after 20 polls');
}

describe('the Spring Authorization Server conformance target', () => {
  it('serves discovery at the issuer it reports, with the device and revocation endpoints', async (context) => {
    const spring = target(context);
    expect(spring.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const document = await metadata(spring);
    expect(document.issuer).toBe(spring.issuer);
    expect(document.device_authorization_endpoint).toBe(`${spring.issuer}/oauth2/device_authorization`);
    expect(document.revocation_endpoint).toBe(`${spring.issuer}/oauth2/revoke`);
    expect(document.code_challenge_methods_supported).toContain('S256');
    expect(spring.description).toMatch(
      /^Spring Authorization Server \(Spring Security 7\.\d+\.\d+, Spring Boot 4\.0\.\d+\) on Java \d+$/,
    );
  });

  it('gives the confidential client a token for itself and the API, and refuses a wrong secret', async (context) => {
    const spring = target(context);
    const client = spring.clients.client_credentials!;
    const { token_endpoint } = await metadata(spring);
    const basic = (secret: string) =>
      `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}`;
    const { status, body } = await postForm(
      token_endpoint!,
      { grant_type: 'client_credentials' },
      { authorization: basic(client.clientSecret!) },
    );
    expect(status).toBe(200);
    const claims = jwtClaims(String(body.access_token));
    expect(claims?.iss).toBe(spring.issuer);
    expect(audienceOf(claims)).toEqual([client.clientId, spring.capabilities.audience!.expectedAud]);
    expect(body.refresh_token).toBeUndefined();

    const refused = await postForm(
      token_endpoint!,
      { grant_type: 'client_credentials' },
      { authorization: basic('wrong-secret') },
    );
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    // The secret is required: the confidential client cannot pass as a public one.
    const bare = await postForm(token_endpoint!, {
      grant_type: 'client_credentials',
      client_id: client.clientId,
    });
    expect(bare.status).toBe(401);
  });

  it('refuses openid in a device request, as Spring AS does', async (context) => {
    const spring = target(context);
    const { device_authorization_endpoint } = await metadata(spring);
    const { status, body } = await postForm(device_authorization_endpoint!, {
      client_id: spring.clients.device!.clientId,
      scope: 'openid profile',
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_scope');
    // oidcflow's default scopes come from scopes_supported (["openid"] here): its error says what to do.
    const auth = new OidcAuth({
      issuer: spring.issuer,
      clientId: spring.clients.device!.clientId,
      flow: 'device',
      openBrowser: false,
      plugins: [createDeviceFlow(), createMemoryCache()],
      ports: { output: { write: () => {} } },
    });
    const error = await auth.getAccessToken().catch((caught: unknown) => caught as OidcflowError);
    expect(OidcflowError.isInstance(error)).toBe(true);
    expect((error as OidcflowError).oauthError).toBe('invalid_scope');
    expect((error as OidcflowError).message).toContain('[openid]');
    expect((error as OidcflowError).message).toContain('Set the scopes option');
  });

  it('completes a device login through its pages (code typed), then rotates and revokes the refresh token with client_id alone', async (context) => {
    const spring = target(context);
    const client = spring.clients.device!;
    const document = await metadata(spring);
    const authorization = await postForm(document.device_authorization_endpoint!, {
      client_id: client.clientId,
      scope: client.scopes.join(' '),
    });
    expect(authorization.status).toBe(200);
    const { device_code, user_code, verification_uri } = authorization.body as Record<string, string>;
    expect(verification_uri).toBe(`${spring.issuer}/activate`);
    const page = await (await (await launchBrowser()).newContext()).newPage();
    try {
      await page.goto(verification_uri!);
      await spring.pages.completeDeviceVerification(page, {
        user: spring.user,
        userCode: user_code!,
        consent: 'approve',
      });
      await expect(page.locator('#device-activated').textContent()).resolves.toMatch(/return to your device/);
    } finally {
      await page.context().close();
    }
    const { status, body: tokens } = await pollDevice(spring, device_code!, 1_000);
    expect(status).toBe(200);
    const claims = jwtClaims(String(tokens.access_token));
    expect(claims?.sub).toBe(spring.user.username);
    expect(String(claims?.scope ?? claims?.scp)).toContain('profile');

    const refresh = (refreshToken: string) =>
      postForm(document.token_endpoint!, {
        grant_type: 'refresh_token',
        client_id: client.clientId,
        refresh_token: refreshToken,
      });
    const rotated = await refresh(String(tokens.refresh_token));
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).toBeTypeOf('string');
    expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await refresh(String(tokens.refresh_token))).body.error).toBe('invalid_grant');

    const revoked = await postForm(document.revocation_endpoint!, {
      client_id: client.clientId,
      token: String(rotated.body.refresh_token),
      token_type_hint: 'refresh_token',
    });
    expect(revoked.status).toBe(200);
    expect((await refresh(String(rotated.body.refresh_token))).body.error).toBe('invalid_grant');
    // client_id alone names only public clients: the confidential one still needs its secret.
    const impostor = await postForm(document.token_endpoint!, {
      grant_type: 'refresh_token',
      client_id: spring.clients.client_credentials!.clientId,
      refresh_token: String(rotated.body.refresh_token),
    });
    expect(impostor.status).toBe(401);
    // Nor does client_id alone open introspection, which stays for confidential clients.
    // (Spring sends the unauthenticated caller to its login page.)
    const introspection = await fetch(document.introspection_endpoint!, {
      method: 'POST',
      body: new URLSearchParams({ client_id: client.clientId, token: String(rotated.body.access_token) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    expect(introspection.status).toBe(302);
    expect(introspection.headers.get('location')).toBe(`${spring.issuer}/login`);
  });

  it('refuses the device when consent is cancelled on the verification_uri_complete page', async (context) => {
    const spring = target(context);
    const client = spring.clients.device!;
    const { device_authorization_endpoint } = await metadata(spring);
    const authorization = await postForm(device_authorization_endpoint!, {
      client_id: client.clientId,
      scope: client.scopes.join(' '),
    });
    const { device_code, user_code, verification_uri_complete } = authorization.body as Record<
      string,
      string
    >;
    const page = await (await (await launchBrowser()).newContext()).newPage();
    try {
      await page.goto(verification_uri_complete!);
      await spring.pages.completeDeviceVerification(page, {
        user: spring.user,
        userCode: user_code!,
        consent: 'deny',
      });
    } finally {
      await page.context().close();
    }
    const { status, body } = await pollDevice(spring, device_code!, 1_000);
    expect(status).toBe(400);
    expect(body.error).toBe('access_denied');
  });

  it('lets the auth code + PKCE login be approved (a refresh token for the public client), then refused in the same browser session', async (context) => {
    const spring = target(context);
    const client = spring.clients.auth_code!;
    const document = await metadata(spring);
    const callbacks: URL[] = [];
    const listener: Server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/callback') callbacks.push(url);
      response.end('done');
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    const verifiers: string[] = [];
    const session = await (await launchBrowser()).newContext();
    try {
      for (const consent of ['approve', 'deny'] as const) {
        const verifier = randomBytes(32).toString('base64url');
        verifiers.push(verifier);
        const url = new URL(document.authorization_endpoint!);
        url.search = new URLSearchParams({
          client_id: client.clientId,
          response_type: 'code',
          redirect_uri: `http://127.0.0.1:${port}/callback`,
          scope: client.scopes.join(' '),
          state: consent,
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
        }).toString();
        const page = await session.newPage();
        await page.goto(url.href);
        // The second time the user is signed in already: consent is asked again all the same.
        await spring.pages.completeLogin(page, { user: spring.user, consent });
      }
    } finally {
      await session.close();
      await new Promise((resolve) => listener.close(resolve));
    }
    expect(callbacks.map((callback) => callback.searchParams.get('state'))).toEqual(['approve', 'deny']);
    expect(callbacks[1]?.searchParams.get('error')).toBe('access_denied');
    const code = callbacks[0]?.searchParams.get('code');
    expect(code).toBeTruthy();
    const { status, body } = await postForm(document.token_endpoint!, {
      grant_type: 'authorization_code',
      client_id: client.clientId,
      code: code!,
      redirect_uri: `http://127.0.0.1:${port}/callback`,
      code_verifier: verifiers[0]!,
    });
    expect(status).toBe(200);
    expect(body.refresh_token).toBeTypeOf('string');
    expect(audienceOf(jwtClaims(String(body.id_token)))).toEqual([client.clientId]);
    // RFC 8693: the user's own access token for one with a narrower audience, not a wider one.
    expect(audienceOf(jwtClaims(String(body.access_token)))).toEqual([client.clientId, SPRING_API]);
    const exchange = (audience: string) =>
      postForm(document.token_endpoint!, {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        client_id: client.clientId,
        subject_token: String(body.access_token),
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        audience,
      });
    const narrower = await exchange(SPRING_API);
    expect(narrower.status).toBe(200);
    expect(narrower.body.issued_token_type).toBe('urn:ietf:params:oauth:token-type:access_token');
    const narrowerClaims = jwtClaims(String(narrower.body.access_token));
    expect(audienceOf(narrowerClaims)).toEqual([SPRING_API]);
    expect(narrowerClaims?.sub).toBe(spring.user.username);
    const wider = await exchange('https://elsewhere.oidcflow.test');
    expect(wider.status).toBe(400);
    expect(wider.body.error).toBe('invalid_target');
  });

  it("reports a refused password with Spring Security's words, at once", async (context) => {
    const spring = target(context);
    const document = await metadata(spring);
    // The browser never reaches the callback: Spring refuses first.
    const listener: Server = createServer((_request, response) => response.end('done'));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    const url = new URL(document.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: spring.clients.auth_code!.clientId,
      response_type: 'code',
      redirect_uri: `http://127.0.0.1:${port}/callback`,
      scope: spring.clients.auth_code!.scopes.join(' '),
      code_challenge: createHash('sha256').update(randomBytes(32)).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const session = await (await launchBrowser()).newContext();
    try {
      const page = await session.newPage();
      await page.goto(url.href);
      const started = Date.now();
      const refused = await spring.pages
        .completeLogin(page, { user: { ...spring.user, password: 'not-the-password' }, consent: 'approve' })
        .then(
          () => undefined,
          (error: unknown) => error as Error,
        );
      expect(refused).toBeInstanceOf(FormRefused);
      expect(refused?.message).toBe("Spring refused the test user's sign-in: Invalid credentials");
      console.info(
        `spring refusal: the page script failed ${Date.now() - started} ms after the sign-in page`,
      );
    } finally {
      await session.close();
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it("exchanges a workload's platform token of each shape at the public workload client, and refuses a wrong audience, an expired token, an untrusted subject", async (context) => {
    const spring = target(context);
    const support = spring.workloadIdentity!;
    expect(support.way).toBe('token_exchange');
    const document = await metadata(spring);
    expect(document.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:token-exchange');
    const { accepted, refused, answers } = await tryWorkloadRequests(support, document.token_endpoint!);
    for (const [platform, subject] of Object.entries(TRUSTED_WORKLOADS)) {
      const claims = accepted[platform as keyof typeof TRUSTED_WORKLOADS];
      expect(claims, `${platform}: ${JSON.stringify(answers[platform]?.body)}`).toBeDefined();
      expect(claims?.sub).toBe(subject);
      expect(claims?.iss).toBe(spring.issuer);
    }
    // Spring AS says which check failed, never the token.
    expect(refused.wrongAudience.body).toMatchObject({ error: 'invalid_grant' });
    expect(String(refused.wrongAudience.body.error_description)).toMatch(/aud/);
    expect(refused.expired.body).toMatchObject({ error: 'invalid_grant' });
    expect(String(refused.expired.body.error_description)).toMatch(/expired/i);
    expect(refused.wrongSubject.body).toMatchObject({ error: 'invalid_grant' });
    expect(String(refused.wrongSubject.body.error_description)).toMatch(/not a workload this server trusts/);
    // Only the workload client may present one; the user's client may not.
    const fromUserClient = await spendPlatformToken({
      way: 'token_exchange',
      tokenEndpoint: document.token_endpoint!,
      clientId: spring.clients.auth_code!.clientId,
      platformToken: await support.ciIssuer.signGitHubToken({ audience: support.audience }),
    });
    expect(fromUserClient.body).toMatchObject({ error: 'invalid_grant' });
    // audience= narrows the workload's token to the API, and no further.
    const narrowed = await spendPlatformToken({
      way: 'token_exchange',
      tokenEndpoint: document.token_endpoint!,
      clientId: support.clients.github.clientId,
      platformToken: await support.ciIssuer.signGitHubToken({ audience: support.audience }),
      extra: { audience: SPRING_API },
    });
    expect(audienceOf(jwtClaims(String(narrowed.body.access_token)))).toEqual([SPRING_API]);
    const elsewhere = await spendPlatformToken({
      way: 'token_exchange',
      tokenEndpoint: document.token_endpoint!,
      clientId: support.clients.github.clientId,
      platformToken: await support.ciIssuer.signGitHubToken({ audience: support.audience }),
      extra: { audience: 'https://elsewhere.oidcflow.test' },
    });
    expect(elsewhere.body).toMatchObject({ error: 'invalid_target' });
  });

  it('stops: the port is closed and no process of it is left', async (context) => {
    const spring = target(context);
    await spring.stop();
    expect(await portClosed(Number(new URL(spring.baseUrl).port))).toBe(true);
    expect(await portClosed(Number(new URL(spring.workloadIdentity!.ciIssuer.issuer).port))).toBe(true);
    expect(groupAlive(spring.processGroupId)).toBe(false);
  });
});

describe('a Ctrl-C while the Spring target runs', () => {
  it('stops its java: the parent ends by SIGINT and leaves no process and no open port', async (context) => {
    target(context);
    // A separate process runs the built harness (dist/, built by turbo before the tests) as the CLI would.
    const module = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      const { springTarget } = await import(${JSON.stringify(module)});
      const running = await springTarget().start();
      process.stdout.write(JSON.stringify({ group: running.processGroupId, url: running.baseUrl }) + '\\n');
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let group: number | undefined;
    try {
      const started = await new Promise<{ group: number; url: string }>((resolve, reject) => {
        parent.stdout.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString())));
        parent.once('exit', () => reject(new Error('the parent exited before the target started')));
      });
      group = started.group;
      expect(groupAlive(group)).toBe(true);
      const exited = Promise.race([
        new Promise<string | null>((resolve) => parent.once('exit', (_code, signal) => resolve(signal))),
        sleep(15_000).then(() => 'still running'),
      ]);
      parent.kill('SIGINT');
      expect(await exited).toBe('SIGINT');
      for (const deadline = Date.now() + 5_000; groupAlive(group) && Date.now() < deadline; )
        await sleep(100);
      expect(groupAlive(group)).toBe(false);
      expect(await portClosed(Number(new URL(started.url).port))).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      if (group !== undefined) killGroup(group, 'SIGKILL');
    }
  }, 180_000);
});

async function portClosed(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}
