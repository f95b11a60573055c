import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConformanceTarget, ProgressOutput, RunningTarget } from '@oidcflow/conformance/targets';
import { freePorts } from '@oidcflow/conformance/targets';
import { hydraAdmin } from './admin-api.js';
import { prepareHydraBinary } from './build-hydra.js';
import { hydraPageScript } from './hydra-pages.js';
import { startHydraServer } from './hydra-server.js';
import { startLoginConsentApp } from './login-consent-app.js';
import { HYDRA_VERSION } from './version.js';
import { trustCiIssuer } from './workload-trust.js';

/** How `hydraTarget` finds or builds Hydra and reports progress. */
export interface HydraTargetOptions {
  /** @default OIDCFLOW_HYDRA_CACHE, else ~/.cache/oidcflow/hydra */
  cacheDirectory?: string;
  /** Bound on Hydra's start (the build on first use has its own). @default 60 000 */
  startupTimeoutMs?: number;
  /** Where the first-use build reports. @default process.stderr */
  output?: ProgressOutput;
}

/** The running target, with what the Hydra tests also want to know. */
export interface RunningHydra extends RunningTarget {
  /** http://127.0.0.1:<admin port> */
  adminUrl: string;
  /** The login and consent app: http://127.0.0.1:<port> */
  appUrl: string;
  processGroupId: number;
  /** The first start built the binary (ms), or 0 when the cached one was used. */
  buildMs: number;
}

/** The audience the clients may ask for; Hydra puts a granted one into the JWT access token's `aud`. */
export const HYDRA_API_AUDIENCE = 'https://api.oidcflow.test';
/** The user the login and consent app signs in. */
export const HYDRA_USERNAME = 'oidcflow-user';
const USER_SCOPES = ['openid', 'offline_access', 'profile'];

/**
 * Ory Hydra as a conformance target: built from the Go module proxy on first use, run with
 * an in-memory database on loopback ports, with the harness's login and consent app, a
 * public PKCE client (auth code + refresh) and a confidential client (client credentials),
 * both allowed one audience. `start()` throws `TargetUnavailable` (cause 'hydra') when
 * Hydra cannot be built here.
 */
export function hydraTarget(options: HydraTargetOptions = {}): ConformanceTarget {
  return {
    name: 'hydra',
    description: `Ory Hydra ${HYDRA_VERSION} (built from the Go module proxy on first use), DSN=memory`,
    start: () => startHydraTarget(options),
  };
}

async function startHydraTarget(options: HydraTargetOptions): Promise<RunningHydra> {
  const prepared = await prepareHydraBinary({
    ...(options.cacheDirectory ? { cacheDirectory: options.cacheDirectory } : {}),
    ...(options.output ? { output: options.output } : {}),
  });
  const user = {
    username: HYDRA_USERNAME,
    password: `fake-password-${randomBytes(9).toString('base64url')}`,
  };
  const app = await startLoginConsentApp(user);
  let server: Awaited<ReturnType<typeof startHydraServer>> | undefined;
  try {
    const [publicPort = 0, adminPort = 0] = await freePorts(2);
    server = await startHydraServer({
      binaryPath: prepared.binaryPath,
      publicPort,
      adminPort,
      urls: { login: app.loginUrl, consent: app.consentUrl, error: app.errorUrl },
      ...(options.startupTimeoutMs ? { startupTimeoutMs: options.startupTimeoutMs } : {}),
    });
    await generateSigningKeys(server.publicUrl);
    const admin = hydraAdmin(server.adminUrl);
    app.connect(admin);
    const metadata = (await (
      await fetch(`${server.publicUrl}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(10_000),
      })
    ).json()) as Record<string, unknown>;
    const publicClient = await admin.createClient({
      client_name: 'oidcflow CLI (public, PKCE)',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // RFC 8252 §7.3: Hydra (fosite) accepts any port on a loopback redirect URI.
      redirect_uris: ['http://127.0.0.1/callback'],
      scope: USER_SCOPES.join(' '),
      audience: [HYDRA_API_AUDIENCE],
      token_endpoint_auth_method: 'none',
    });
    const serviceClient = await admin.createClient({
      client_name: 'oidcflow service (client credentials)',
      grant_types: ['client_credentials'],
      response_types: [],
      audience: [HYDRA_API_AUDIENCE],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    if (!serviceClient.client_secret)
      throw new Error('Hydra created the confidential client without a secret');
    const workloadIdentity = await trustCiIssuer(admin, String(metadata.token_endpoint), [
      HYDRA_API_AUDIENCE,
    ]);
    const issuer = String(metadata.issuer);
    const hydraServer = server;
    let stopped: Promise<void> | undefined;
    return {
      name: 'hydra',
      issuer,
      adminUrl: server.adminUrl,
      appUrl: app.url,
      processGroupId: server.processGroupId,
      buildMs: prepared.buildMs,
      clients: {
        auth_code: { clientId: publicClient.client_id, scopes: USER_SCOPES },
        client_credentials: {
          clientId: serviceClient.client_id,
          clientSecret: serviceClient.client_secret,
          scopes: [],
        },
      },
      user,
      pages: hydraPageScript({ origins: [new URL(server.publicUrl).origin, app.url] }),
      capabilities: {
        flows: ['auth_code', 'client_credentials'],
        flowUnavailable: {
          device:
            typeof metadata.device_authorization_endpoint === 'string'
              ? `the harness registers no device client at Hydra ${HYDRA_VERSION}`
              : `Hydra ${HYDRA_VERSION} has no device authorization endpoint (its discovery document names none; the device grant came in a later release)`,
        },
        refreshTokenRotation: true,
        revocation: typeof metadata.revocation_endpoint === 'string',
        consentDenial: { auth_code: true },
        audience: { sentAs: 'audience', audience: HYDRA_API_AUDIENCE, expectedAud: HYDRA_API_AUDIENCE },
        customCa: false,
        deviceScriptUnavailable: `Hydra ${HYDRA_VERSION} has no device authorization endpoint`,
        reauthenticationUnavailable:
          "the harness's login app accepts every login with remember: false (so a forced login meets the form), so Hydra keeps no session that could answer a second login",
      },
      workloadIdentity,
      description: `Ory Hydra ${HYDRA_VERSION}, built from the Go module proxy, DSN=memory, with the harness's login and consent app`,
      browserHosts: ['127.0.0.1'],
      stop: () => {
        stopped ??= Promise.allSettled([
          hydraServer.stop(),
          app.close(),
          workloadIdentity.ciIssuer.stop(),
        ]).then((results) => {
          const failed = results.find((result) => result.status === 'rejected');
          if (failed) throw failed.reason;
        });
        return stopped;
      },
    };
  } catch (error) {
    await Promise.allSettled([server?.stop(), app.close()]);
    throw error;
  }
}

/**
 * Hydra makes its RSA-4096 signing keys (ID tokens, JWT access tokens) on first use, which can
 * take longer than its public server's fixed 10 s write timeout on a busy machine. Inside the
 * first login that drops the connection; Chromium then repeats the GET, and Hydra refuses the
 * repeat ("The consent verifier has already been used"). Serving the key set once here makes
 * the keys before any browser arrives. Bounded: the first answers may be cut off while the
 * keys are made, so it asks again for up to 120 s.
 */
async function generateSigningKeys(publicUrl: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = 'no answer';
  for (let attempt = 0; attempt < 30 && Date.now() < deadline; attempt += 1) {
    try {
      const response = await fetch(`${publicUrl}/.well-known/jwks.json`, {
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { keys?: unknown[] };
      if (response.ok && (body.keys?.length ?? 0) > 0) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(1_000);
  }
  throw new Error(`Hydra did not serve its signing keys within 120 s (${last})`);
}
