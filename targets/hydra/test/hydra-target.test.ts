// The Ory Hydra target against the real Hydra v2.3.0 (built from the Go module proxy on first
// use), with the harness's login and consent app driven by the browser the project's discovery finds.

import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createFileCache } from '@oidcflow/cache-file';
import { requiredFromEnv, runCell, SCENARIOS, subjectForFlowPlugin } from '@oidcflow/conformance';
import {
  audienceOf,
  groupAlive,
  jwtClaims,
  TargetUnavailable,
  TRUSTED_WORKLOADS,
} from '@oidcflow/conformance/targets';
import { spendPlatformToken, tryWorkloadRequests } from '@oidcflow/conformance/testing';
import { OidcAuth } from '@oidcflow/core';
import { createPlugin as createAuthCodeFlow } from '@oidcflow/flow-authcode';
import { createPlugin as createDeviceFlow } from '@oidcflow/flow-device';
import { findTestBrowser } from '@oidcflow/test-browser';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { HYDRA_API_AUDIENCE, hydraTarget, type RunningHydra } from '../src/index.js';

const required = (process.env.OIDCFLOW_REQUIRE ?? '').split(',').map((name) => name.trim());
const hydraRequired = required.includes('hydra');

let running: RunningHydra | undefined;
let unavailableReason: string | undefined;
let browser: Browser | undefined;
let workDirectory: string;

beforeAll(async () => {
  workDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-hydra-test-'));
  const startedAt = Date.now();
  try {
    // A first run builds Hydra (minutes); CI runs prepare-hydra before the tests.
    running = (await hydraTarget().start()) as RunningHydra;
    console.info(`hydra target: ${running.description} ready in ${Date.now() - startedAt} ms`);
  } catch (error) {
    if (!(error instanceof TargetUnavailable)) throw error;
    unavailableReason = error.message;
    console.info(
      `Hydra cannot run here: ${unavailableReason}${hydraRequired ? ' (required by OIDCFLOW_REQUIRE)' : ''}`,
    );
  }
}, 1_900_000);

afterAll(async () => {
  await browser?.close();
  await running?.stop();
  await rm(workDirectory, { recursive: true, force: true });
}, 60_000);

/** The running target, or: a failure under OIDCFLOW_REQUIRE=hydra, else a skip with the reason. */
function target(context: TestContext): RunningHydra {
  if (running) return running;
  const reason = `Hydra cannot run here: ${unavailableReason ?? 'it did not start'}`;
  if (hydraRequired) throw new Error(`${reason} (OIDCFLOW_REQUIRE includes hydra)`);
  context.skip(reason);
  throw new Error('unreachable');
}

async function launchBrowser(context: TestContext): Promise<Browser> {
  const found = await findTestBrowser();
  if (!found.found) {
    if (required.includes('browser')) throw new Error(`${found.reason} (OIDCFLOW_REQUIRE includes browser)`);
    context.skip(found.reason);
  }
  browser ??= await chromium.launch(found.launchOptions);
  return browser;
}

async function metadataOf(hydra: RunningHydra): Promise<Record<string, unknown>> {
  const response = await fetch(`${hydra.issuer}/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** An OidcAuth with both user flows installed and flow 'auto', as a user would have it. */
async function autoAuth(
  hydra: RunningHydra,
  env: NodeJS.ProcessEnv,
  openUrl?: (url: string) => Promise<boolean>,
) {
  const cachePath = await mkdtemp(join(workDirectory, 'cache-'));
  return new OidcAuth({
    issuer: hydra.issuer,
    clientId: hydra.clients.auth_code!.clientId,
    scopes: hydra.clients.auth_code!.scopes,
    flow: 'auto',
    plugins: [createFileCache({ cachePath }), createAuthCodeFlow(), createDeviceFlow()],
    callbackPort: 0,
    callbackTimeoutSeconds: 60,
    env: { PATH: process.env.PATH ?? '', HOME: cachePath, ...env },
    ports: {
      output: { write: () => true, isTTY: false },
      openUrl: openUrl ?? (async () => false),
    },
  });
}

describe('the Ory Hydra conformance target', () => {
  it('serves discovery at the issuer it reports: PKCE S256, revocation, and no device authorization endpoint', async (context) => {
    const hydra = target(context);
    expect(hydra.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const metadata = await metadataOf(hydra);
    expect(metadata.issuer).toBe(hydra.issuer);
    expect(metadata.code_challenge_methods_supported).toContain('S256');
    expect(metadata.revocation_endpoint).toBe(`${hydra.issuer}/oauth2/revoke`);
    expect(metadata.device_authorization_endpoint).toBeUndefined();
    expect(hydra.capabilities.flows).not.toContain('device');
    expect(hydra.capabilities.flowUnavailable?.device).toMatch(
      /Hydra v2\.3\.0 has no device authorization endpoint/,
    );
    expect(hydra.description).toMatch(/^Ory Hydra v2\.3\.0, built from the Go module proxy/);
  });

  it("the device cells are n/a with Hydra's reason, not a missing client, and fail under OIDCFLOW_REQUIRE only when their cause is required", async (context) => {
    const hydra = target(context);
    const subject = await subjectForFlowPlugin(createDeviceFlow(), { label: '@oidcflow/flow-device' });
    const noBrowser = { newSession: () => Promise.reject(new Error('not needed')), close: async () => {} };
    const cell = await runCell({
      target: hydra,
      subject,
      scenario: SCENARIOS.find((scenario) => scenario.name === 'login')!,
      browser: noBrowser,
      runDirectory: workDirectory,
      timeoutMs: 10_000,
      required: requiredFromEnv({ OIDCFLOW_REQUIRE: 'browser,keycloak,hydra' }),
    });
    expect(cell).toMatchObject({ status: 'skipped', skipCause: 'not-applicable', target: 'hydra' });
    expect(cell.detail).toBe(hydra.capabilities.flowUnavailable?.device);
    expect(() => requiredFromEnv({ OIDCFLOW_REQUIRE: 'hydra' })).not.toThrow();
  });

  it('flow auto explains that only the browser login fits, with and without a browser to show', async (context) => {
    const hydra = target(context);
    for (const env of [{ BROWSER: 'none-needed' }, { CI: 'true' }]) {
      const report = await (await autoAuth(hydra, env)).explain();
      expect(report.chosen, JSON.stringify(env)).toBe('auth_code');
      const device = report.flows.find((flow) => flow.name === 'device');
      expect(device?.installed).toBe(true);
      expect(device?.chosen).toBe(false);
      expect(device?.reason).toMatch(/device/i);
      expect(report.flows.find((flow) => flow.name === 'auth_code')?.chosen).toBe(true);
    }
  });

  it('flow auto logs in through the browser: Hydra, the login and consent app, the loopback callback', async (context) => {
    const hydra = target(context);
    const page = await (await (await launchBrowser(context)).newContext()).newPage();
    const opened: string[] = [];
    let pages: Promise<void> | undefined;
    try {
      const auth = await autoAuth(hydra, { BROWSER: 'playwright' }, async (url) => {
        opened.push(url);
        pages = page
          .goto(url)
          .then(() => hydra.pages.completeLogin(page, { user: hydra.user, consent: 'approve' }));
        pages.catch(() => {});
        return true;
      });
      const tokens = await auth.getTokens();
      await pages;
      expect(opened).toHaveLength(1);
      const authorization = new URL(opened[0]!);
      expect(`${authorization.origin}${authorization.pathname}`).toBe(`${hydra.issuer}/oauth2/auth`);
      expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorization.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
      expect(tokens.idTokenClaims?.sub).toBe(hydra.user.username);
      expect(tokens.refreshToken).toBeDefined();
      expect(jwtClaims(tokens.accessToken)?.iss).toBe(hydra.issuer);
    } finally {
      await page.context().close();
    }
  });

  it("the login app refuses a wrong password, and the page script reports the app's message", async (context) => {
    const hydra = target(context);
    const page = await (await (await launchBrowser(context)).newContext()).newPage();
    try {
      const verifier = randomBytes(32).toString('base64url');
      const authorization = new URL(`${hydra.issuer}/oauth2/auth`);
      for (const [name, value] of Object.entries({
        client_id: hydra.clients.auth_code!.clientId,
        response_type: 'code',
        redirect_uri: 'http://127.0.0.1:9/callback',
        scope: 'openid',
        state: randomBytes(12).toString('base64url'),
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }))
        authorization.searchParams.set(name, value);
      await page.goto(authorization.href);
      await expect(
        hydra.pages.completeLogin(page, {
          user: { username: hydra.user.username, password: 'not-the-password' },
          consent: 'approve',
        }),
      ).rejects.toThrow(/refused the test user: The user name or password is wrong/);
      expect(new URL(page.url()).origin).toBe(hydra.appUrl);
    } finally {
      await page.context().close();
    }
  });

  it('gives the confidential client a JWT with the audience it asks for, and refuses a wrong secret', async (context) => {
    const hydra = target(context);
    const client = hydra.clients.client_credentials!;
    const tokenRequest = (secret: string) =>
      fetch(`${hydra.issuer}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', audience: HYDRA_API_AUDIENCE }),
        signal: AbortSignal.timeout(10_000),
      });
    const granted = await tokenRequest(client.clientSecret!);
    expect(granted.status).toBe(200);
    const claims = jwtClaims(String(((await granted.json()) as { access_token?: unknown }).access_token));
    expect(audienceOf(claims)).toContain(HYDRA_API_AUDIENCE);
    const refused = await tokenRequest('wrong-secret');
    expect(refused.status).toBe(401);
    await refused.body?.cancel();
  });

  it("takes a workload's platform token of each shape in the JWT bearer grant (trust relationships), and refuses a wrong audience, an expired token, an untrusted subject, a reused one", async (context) => {
    const hydra = target(context);
    const support = hydra.workloadIdentity!;
    expect(support.way).toBe('jwt_bearer');
    const tokenEndpoint = `${hydra.issuer}/oauth2/token`;
    expect(support.audience).toBe(tokenEndpoint);
    const { accepted, refused, answers } = await tryWorkloadRequests(support, tokenEndpoint);
    for (const [platform, subject] of Object.entries(TRUSTED_WORKLOADS)) {
      const claims = accepted[platform as keyof typeof TRUSTED_WORKLOADS];
      expect(claims, `${platform}: ${JSON.stringify(answers[platform]?.body)}`).toBeDefined();
      expect(claims?.sub).toBe(subject);
      expect(claims?.client_id).toBe(support.clients.github.clientId);
    }
    expect(refused.wrongAudience.body).toMatchObject({ error: 'invalid_grant' });
    expect(String(refused.wrongAudience.body.error_description)).toContain(tokenEndpoint);
    expect(refused.expired.body).toMatchObject({ error: 'invalid_grant' });
    expect(String(refused.expired.body.error_description)).toMatch(/expired/);
    expect(refused.wrongSubject.body).toMatchObject({ error: 'invalid_grant' });
    expect(String(refused.wrongSubject.body.error_description)).toMatch(/No public JWK was registered/);
    // Hydra remembers every jti: the same platform token cannot be spent twice.
    const once = await support.ciIssuer.signKubernetesToken({ audience: support.audience });
    const spend = () =>
      spendPlatformToken({
        way: 'jwt_bearer',
        tokenEndpoint,
        clientId: support.clients.kubernetes.clientId,
        platformToken: once,
      });
    expect((await spend()).status).toBe(200);
    expect((await spend()).body).toMatchObject({ error: 'jti_known' });
  });
});

describe('stopping the Hydra target', () => {
  const targetModule = new URL('../dist/index.js', import.meta.url);

  async function portClosed(url: string): Promise<boolean> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve) => {
      const socket = connect({ host: hostname, port: Number(port) });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
  }

  async function groupGoneWithin(groupId: number, timeoutMs: number): Promise<boolean> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
      if (!groupAlive(groupId)) return true;
      await sleep(100);
    }
    return !groupAlive(groupId);
  }

  it('stop() ends its process group and closes its ports, the login app included', async (context) => {
    target(context);
    const hydra = (await hydraTarget().start()) as RunningHydra;
    expect(groupAlive(hydra.processGroupId)).toBe(true);
    await hydra.stop();
    expect(groupAlive(hydra.processGroupId)).toBe(false);
    expect(await portClosed(hydra.issuer)).toBe(true);
    expect(await portClosed(hydra.adminUrl)).toBe(true);
    expect(await portClosed(hydra.appUrl)).toBe(true);
    expect(await portClosed(hydra.workloadIdentity!.ciIssuer.issuer)).toBe(true);
  }, 180_000);

  it('Ctrl-C (SIGINT) of the process that started it ends Hydra too', async (context) => {
    target(context);
    if (!existsSync(fileURLToPath(targetModule))) throw new Error('dist is missing: build first');
    const script = `
      import { hydraTarget } from ${JSON.stringify(targetModule.href)};
      const hydra = await hydraTarget().start();
      process.stdout.write(hydra.processGroupId + ' ' + hydra.issuer + '\\n');
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    try {
      const [groupId, issuer] = await new Promise<[number, string]>((resolve, reject) => {
        parent.stdout.once('data', (chunk: Buffer) => {
          const [group = '', url = ''] = chunk.toString().trim().split(' ');
          resolve([Number(group), url]);
        });
        parent.once('exit', () => reject(new Error('the parent exited before Hydra was ready')));
      });
      expect(groupAlive(groupId)).toBe(true);
      const exited = new Promise<string | null>((resolve) =>
        parent.once('exit', (_code, signal) => resolve(signal)),
      );
      parent.kill('SIGINT');
      expect(await Promise.race([exited, sleep(10_000).then(() => 'still running')])).toBe('SIGINT');
      expect(await groupGoneWithin(groupId, 5_000)).toBe(true);
      expect(await portClosed(issuer)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  }, 180_000);
});
