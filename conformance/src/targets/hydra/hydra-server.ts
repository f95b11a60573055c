import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopGroup, trackGroup } from '../keycloak/process-group.js';

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

const LOG_TAIL_LINES = 30;

/**
 * Starts Hydra with an in-memory SQLite database and a system secret made for this run,
 * configured by environment variables only (no config file, nothing of the caller's
 * environment that Hydra would read as configuration), and waits until it is ready.
 */
export async function startHydraServer(options: HydraServerOptions): Promise<HydraServer> {
  const runDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-hydra-'));
  const logPath = join(runDirectory, 'hydra.log');
  const publicUrl = `http://127.0.0.1:${options.publicPort}`;
  const adminUrl = `http://127.0.0.1:${options.adminPort}`;
  const configuredIssuer = publicUrl;
  let child: ChildProcess | undefined;
  const cleanUp = async () => {
    if (child?.pid !== undefined) await stopGroup(child.pid);
    await rm(runDirectory, { recursive: true, force: true });
  };
  try {
    const logFile = openSync(logPath, 'w', 0o600);
    try {
      // --dev: an http issuer on loopback. --sqa-opt-out: no telemetry to the internet.
      child = spawn(options.binaryPath, ['serve', 'all', '--dev', '--sqa-opt-out'], {
        cwd: runDirectory,
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
        detached: true,
        stdio: ['ignore', logFile, logFile],
      });
    } finally {
      closeSync(logFile);
    }
    const groupId = child.pid;
    if (groupId === undefined) throw new Error(`${options.binaryPath} could not be started (no pid)`);
    trackGroup(groupId, runDirectory);
    let exitedWith: string | undefined;
    child.on('exit', (code, signal) => {
      exitedWith = signal ?? `exit code ${code}`;
    });
    child.on('error', (error) => {
      exitedWith = error.message;
    });

    const timeoutMs = options.startupTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    while (!(await ready(publicUrl, adminUrl))) {
      if (exitedWith !== undefined) {
        throw new Error(
          `Hydra exited during startup (${exitedWith}); last lines of its log:\n${await logTail(logPath)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Hydra was not ready within ${Math.round(timeoutMs / 1000)} s; last lines of its log:\n${await logTail(logPath)}`,
        );
      }
      await sleep(250);
    }
    let stopped: Promise<void> | undefined;
    return {
      publicUrl,
      adminUrl,
      configuredIssuer,
      processGroupId: groupId,
      stop: () => {
        stopped ??= cleanUp();
        return stopped;
      },
    };
  } catch (error) {
    await cleanUp().catch(() => {});
    throw error;
  }
}

/** The admin API says ready (migrations done), and the public port serves discovery. */
async function ready(publicUrl: string, adminUrl: string): Promise<boolean> {
  try {
    const health = await fetch(`${adminUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    await health.body?.cancel();
    if (health.status !== 200) return false;
    const discovery = await fetch(`${publicUrl}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5_000),
    });
    await discovery.body?.cancel();
    return discovery.status === 200;
  } catch {
    return false;
  }
}

async function logTail(path: string): Promise<string> {
  try {
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    return lines.slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '(no log was written)';
  }
}
