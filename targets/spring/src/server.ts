import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JavaRuntime } from '@oidcflow/conformance/targets';
import { discoveryServed, serverEnvironment, startServerProcess } from '@oidcflow/conformance/targets';

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
  /** A CI identity issuer whose tokens the public workload client may exchange (RFC 8693). */
  workload?: { issuer: string; jwksUri: string; clientId: string; subjects: readonly string[] };
}

export interface StartSpringServerOptions {
  jarPath: string;
  java: JavaRuntime;
  settings: SpringServerSettings;
  /** Bound on the start. @default 120 000 */
  startupTimeoutMs?: number;
}

/** A running Spring Authorization Server: its URL, its process group, how to stop it. */
export interface SpringServer {
  /** http://127.0.0.1:<port the OS gave> */
  baseUrl: string;
  /** java's process group; gone once stop() resolves. */
  processGroupId: number;
  stop(): Promise<void>;
}

/** The line the server prints once it listens (SpringAuthorizationServerApplication.READY_LINE). */
const READY_LINE = /^oidcflow-spring-as: listening on port (\d+)$/m;

/**
 * Runs the built jar in its own process group on a loopback port from the OS, and waits for its
 * ready line and its discovery document. The secrets go in through the environment, never the
 * command line (which any local user can read).
 */
export async function startSpringServer(options: StartSpringServerOptions): Promise<SpringServer> {
  const runDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-spring-as-'));
  const logPath = join(runDirectory, 'server.log');
  const { settings } = options;
  let baseUrl: string | undefined;
  const server = await startServerProcess({
    name: 'the Spring Authorization Server',
    command: options.java.javaPath,
    args: [
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
      ...(settings.workload
        ? [
            `--oidcflow.workload-issuer=${settings.workload.issuer}`,
            `--oidcflow.workload-jwks-uri=${settings.workload.jwksUri}`,
            `--oidcflow.workload-client-id=${settings.workload.clientId}`,
            `--oidcflow.workload-subjects=${settings.workload.subjects.join(',')}`,
          ]
        : []),
    ],
    env: springEnvironment(settings),
    runDirectory,
    logPath,
    // The port is the OS's choice: the ready line says it, then discovery must answer.
    ready: async () => {
      if (!baseUrl) {
        const port = READY_LINE.exec(await readFile(logPath, 'utf8').catch(() => ''))?.[1];
        if (port) baseUrl = `http://127.0.0.1:${port}`;
      }
      return baseUrl !== undefined && (await discoveryServed(baseUrl));
    },
    startupTimeoutMs: options.startupTimeoutMs ?? 120_000,
    timeoutHint: ` (on Java ${options.java.version})`,
  });
  return { baseUrl: baseUrl as string, ...server };
}

/**
 * The caller's environment without what would change the server: Spring reads OIDCFLOW_*,
 * SPRING_* and SERVER_* as its properties, and the JVM reads its own option variables.
 */
function springEnvironment(settings: SpringServerSettings): NodeJS.ProcessEnv {
  return serverEnvironment(
    (name) =>
      /^(OIDCFLOW_|SPRING_|SERVER_|LOGGING_|JAVA_TOOL_OPTIONS$|JDK_JAVA_OPTIONS$|_JAVA_OPTIONS$)/.test(name),
    {
      OIDCFLOW_USER_PASSWORD: settings.userPassword,
      OIDCFLOW_SERVICE_CLIENT_SECRET: settings.serviceClientSecret,
    },
  );
}
