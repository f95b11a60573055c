import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoveryServed, healthReady, startServerProcess } from '@oidcflow/conformance/targets';

export interface HydraServerOptions {
  binaryPath: string;
  publicPort: number;
  adminPort: number;
  /** The login and consent app's pages. */
  urls: { login: string; consent: string; error: string };
  /** @default 60 000 */
  startupTimeoutMs?: number;
}

/** `hydra serve all` on loopback, in its own process group. */
export interface HydraServer {
  /** http://127.0.0.1:<public port> */
  publicUrl: string;
  /** http://127.0.0.1:<admin port> */
  adminUrl: string;
  /** The issuer Hydra was told to be (URLS_SELF_ISSUER). */
  configuredIssuer: string;
  processGroupId: number;
  stop(): Promise<void>;
}

/**
 * Starts Hydra with an in-memory SQLite database and a system secret made for this run,
 * configured by environment variables only (no config file, nothing of the caller's
 * environment that Hydra would read as configuration), and waits until it is ready.
 */
export async function startHydraServer(options: HydraServerOptions): Promise<HydraServer> {
  const runDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-hydra-'));
  const publicUrl = `http://127.0.0.1:${options.publicPort}`;
  const adminUrl = `http://127.0.0.1:${options.adminPort}`;
  const configuredIssuer = publicUrl;
  const server = await startServerProcess({
    name: 'Hydra',
    command: options.binaryPath,
    // --dev: an http issuer on loopback. --sqa-opt-out: no telemetry to the internet.
    args: ['serve', 'all', '--dev', '--sqa-opt-out'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: runDirectory,
      DSN: 'memory',
      SECRETS_SYSTEM: randomBytes(24).toString('base64url'),
      SERVE_PUBLIC_HOST: '127.0.0.1',
      SERVE_PUBLIC_PORT: String(options.publicPort),
      SERVE_ADMIN_HOST: '127.0.0.1',
      SERVE_ADMIN_PORT: String(options.adminPort),
      URLS_SELF_ISSUER: configuredIssuer,
      URLS_LOGIN: options.urls.login,
      URLS_CONSENT: options.urls.consent,
      URLS_ERROR: options.urls.error,
      // JWT access tokens, so the audience scenario can read `aud`.
      STRATEGIES_ACCESS_TOKEN: 'jwt',
      OAUTH2_PKCE_ENFORCED_FOR_PUBLIC_CLIENTS: 'true',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'text',
      LOG_LEAK_SENSITIVE_VALUES: 'false',
    },
    runDirectory,
    logPath: join(runDirectory, 'hydra.log'),
    ready: () => ready(publicUrl, adminUrl),
    startupTimeoutMs: options.startupTimeoutMs ?? 60_000,
  });
  return { publicUrl, adminUrl, configuredIssuer, ...server };
}

/** The admin API says ready (migrations done), and the public port serves discovery. */
async function ready(publicUrl: string, adminUrl: string): Promise<boolean> {
  return (await healthReady(adminUrl)) && (await discoveryServed(publicUrl));
}
