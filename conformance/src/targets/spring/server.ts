import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JavaRuntime } from '../keycloak/java-runtime.js';
import { stopGroup, trackGroup } from '../keycloak/process-group.js';

/** Who the server knows, decided per start by the harness. */
export interface SpringServerSettings {
  userName: string;
  userPassword: string;
  authCodeClientId: string;
  deviceClientId: string;
  serviceClientId: string;
  serviceClientSecret: string;
  /** The API every access token is also for (its aud). */
  apiAudience: string;
  /** The issuer to announce. Absent: the URL each request came to (http://127.0.0.1:<port>). */
  issuer?: string;
}

export interface StartSpringServerOptions {
  jarPath: string;
  java: JavaRuntime;
  settings: SpringServerSettings;
  /** Bound on the start. @default 120 000 */
  startupTimeoutMs?: number;
}

export interface SpringServer {
  /** http://127.0.0.1:<port the OS gave> */
  baseUrl: string;
  /** java's process group; gone once stop() resolves. */
  processGroupId: number;
  stop(): Promise<void>;
}

/** The line the server prints once it listens (SpringAuthorizationServerApplication.READY_LINE). */
const READY_LINE = /^oidcflow-spring-as: listening on port (\d+)$/m;
const LOG_TAIL_LINES = 30;

/**
 * Runs the built jar in its own process group on a loopback port from the OS, and waits for its
 * ready line and its discovery document. The secrets go in through the environment, never the
 * command line (which any local user can read).
 */
export async function startSpringServer(options: StartSpringServerOptions): Promise<SpringServer> {
  const runDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-spring-as-'));
  const logPath = join(runDirectory, 'server.log');
  let child: ChildProcess | undefined;
  const cleanUp = async () => {
    if (child?.pid !== undefined) await stopGroup(child.pid);
    await rm(runDirectory, { recursive: true, force: true });
  };
  try {
    const { settings } = options;
    const logFile = openSync(logPath, 'w', 0o600);
    try {
      child = spawn(
        options.java.javaPath,
        [
          // The C1 compiler only: a short-lived test server starts faster. A small heap is
          // plenty for a few in-memory clients and leaves the machine to the other targets.
          '-XX:TieredStopAtLevel=1',
          '-Xmx384m',
          '-jar',
          options.jarPath,
          `--oidcflow.user-name=${settings.userName}`,
          `--oidcflow.auth-code-client-id=${settings.authCodeClientId}`,
          `--oidcflow.device-client-id=${settings.deviceClientId}`,
          `--oidcflow.service-client-id=${settings.serviceClientId}`,
          `--oidcflow.api-audience=${settings.apiAudience}`,
          ...(settings.issuer ? [`--oidcflow.issuer=${settings.issuer}`] : []),
        ],
        {
          cwd: runDirectory,
          env: serverEnvironment(settings),
          detached: true,
          stdio: ['ignore', logFile, logFile],
        },
      );
    } finally {
      closeSync(logFile);
    }
    const groupId = child.pid;
    if (groupId === undefined) throw new Error(`${options.java.javaPath} could not be started (no pid)`);
    trackGroup(groupId, runDirectory);
    let exitedWith: string | undefined;
    child.on('exit', (code, signal) => {
      exitedWith = signal ?? `exit code ${code}`;
    });
    child.on('error', (error) => {
      exitedWith = error.message;
    });

    const timeoutMs = options.startupTimeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    let baseUrl: string | undefined;
    while (!baseUrl || !(await discoveryServed(baseUrl))) {
      if (exitedWith !== undefined) {
        throw new Error(
          `the Spring Authorization Server exited during startup (${exitedWith}); last lines of its log:\n${await logTail(logPath)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the Spring Authorization Server was not ready within ${Math.round(timeoutMs / 1000)} s (on Java ${options.java.version}); last lines of its log:\n${await logTail(logPath)}`,
        );
      }
      if (!baseUrl) {
        const port = READY_LINE.exec(await readFile(logPath, 'utf8').catch(() => ''))?.[1];
        if (port) baseUrl = `http://127.0.0.1:${port}`;
      }
      await sleep(250);
    }
    let stopped: Promise<void> | undefined;
    return {
      baseUrl,
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

/**
 * The caller's environment without what would change the server: Spring reads OIDCFLOW_*,
 * SPRING_* and SERVER_* as its properties, and the JVM reads its own option variables.
 */
function serverEnvironment(settings: SpringServerSettings): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      /^(OIDCFLOW_|SPRING_|SERVER_|LOGGING_|JAVA_TOOL_OPTIONS$|JDK_JAVA_OPTIONS$|_JAVA_OPTIONS$)/.test(name)
    )
      continue;
    environment[name] = value;
  }
  return {
    ...environment,
    OIDCFLOW_USER_PASSWORD: settings.userPassword,
    OIDCFLOW_SERVICE_CLIENT_SECRET: settings.serviceClientSecret,
  };
}

async function discoveryServed(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5_000),
    });
    await response.body?.cancel();
    return response.status === 200;
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
