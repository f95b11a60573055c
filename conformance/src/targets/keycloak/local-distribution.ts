import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type TestCertificates, writeCaFile } from '../tls/test-ca.js';
import { devBuildDirectory, restoreDevBuild, saveDevBuild } from './dev-build-cache.js';
import type { PreparedKeycloak } from './distribution.js';
import type { JavaRuntime } from './java-runtime.js';
import { stopGroup, trackGroup } from './process-group.js';
import { REALM_NAME } from './version.js';

export interface LocalKeycloakOptions {
  prepared: PreparedKeycloak;
  java: JavaRuntime;
  /** The realm to import, placeholders already filled. */
  realmJson: string;
  /** Bound on the start, the first re-augmentation included. @default 180 000 */
  startupTimeoutMs?: number;
  /** Also serve HTTPS with this certificate (signed by a CA the harness made), beside HTTP. */
  tls?: TestCertificates;
}

/** A Keycloak server started from the distribution, on loopback ports chosen by the OS. */
export interface LocalKeycloak {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** http://127.0.0.1:<management port> (health) */
  managementUrl: string;
  /** With `tls`: https://127.0.0.1:<https port>, and the CA file that trusts it (in the run directory). */
  https?: { baseUrl: string; caCertPath: string };
  admin: { username: string; password: string };
  /** The start reused a kept dev build (no re-augmentation). */
  reusedDevBuild: boolean;
  /** kc.sh's process group (java included); gone once stop() resolves. */
  processGroupId: number;
  stop(): Promise<void>;
}

const LOG_TAIL_LINES = 30;

/**
 * Copies the prepared distribution into a private temporary directory (Keycloak writes into its
 * home, and two runs must not share one), imports the realm, runs `kc.sh start-dev` in its own
 * process group and waits until it is ready.
 */
export async function startLocalKeycloak(options: LocalKeycloakOptions): Promise<LocalKeycloak> {
  const runDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-keycloak-'));
  const home = join(runDirectory, 'keycloak');
  const logPath = join(runDirectory, 'keycloak.log');
  let child: ChildProcess | undefined;
  const cleanUp = async () => {
    if (child?.pid !== undefined) await stopGroup(child.pid);
    await rm(runDirectory, { recursive: true, force: true });
  };
  try {
    await cp(options.prepared.home, home, { recursive: true });
    const cacheDirectory = options.prepared.cacheDirectory;
    const devBuild = devBuildDirectory(cacheDirectory, options.prepared.version, options.java.major);
    const reusedDevBuild = await restoreDevBuild(devBuild, home);
    await mkdir(join(home, 'data', 'import'), { recursive: true });
    await writeFile(join(home, 'data', 'import', `${REALM_NAME}-realm.json`), options.realmJson, {
      mode: 0o600,
    });

    const [httpPort, managementPort, httpsPort = 0] = await freePorts(3);
    const https = options.tls ? await writeTlsFiles(options.tls, runDirectory, httpsPort) : undefined;
    const admin = {
      username: 'oidcflow-admin',
      password: `fake-admin-${randomBytes(12).toString('base64url')}`,
    };
    const logFile = openSync(logPath, 'w', 0o600);
    try {
      child = spawn(
        '/bin/sh',
        [
          join(home, 'bin', 'kc.sh'),
          'start-dev',
          '--import-realm',
          '--db=dev-mem',
          '--http-host=127.0.0.1',
          `--http-port=${httpPort}`,
          `--http-management-port=${managementPort}`,
          '--health-enabled=true',
          ...(https?.arguments ?? []),
        ],
        {
          cwd: home,
          env: keycloakEnvironment(options.java, admin),
          // Its own group, so stopping it reaches java (kc.sh runs it as a child, then may exec a second one).
          detached: true,
          // Straight to a file: no pipe whose reader could die before the server.
          stdio: ['ignore', logFile, logFile],
        },
      );
    } finally {
      closeSync(logFile);
    }
    const groupId = child.pid;
    if (groupId === undefined)
      throw new Error('kc.sh could not be started (no pid); check that /bin/sh exists');
    trackGroup(groupId, runDirectory);
    let exitedWith: string | undefined;
    child.on('exit', (code, signal) => {
      exitedWith = signal ?? `exit code ${code}`;
    });
    child.on('error', (error) => {
      exitedWith = error.message;
    });

    const baseUrl = `http://127.0.0.1:${httpPort}`;
    const managementUrl = `http://127.0.0.1:${managementPort}`;
    const timeoutMs = options.startupTimeoutMs ?? 180_000;
    const deadline = Date.now() + timeoutMs;
    while (!(await ready(baseUrl, managementUrl, https?.endpoint))) {
      if (exitedWith !== undefined) {
        throw new Error(
          `Keycloak exited during startup (${exitedWith}); last lines of its log:\n${await logTail(logPath)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `Keycloak was not ready within ${Math.round(timeoutMs / 1000)} s (on Java ${options.java.version}); last lines of its log:\n${await logTail(logPath)}`,
        );
      }
      await sleep(500);
    }
    // The first start of a version re-augmented the server: keep that for the next runs.
    if (!reusedDevBuild) await saveDevBuild(devBuild, home).catch(() => {});

    let stopped: Promise<void> | undefined;
    return {
      baseUrl,
      managementUrl,
      ...(https ? { https: https.endpoint } : {}),
      admin,
      reusedDevBuild,
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

/** Deterministic: the caller's KC_* and JAVA_OPTS* settings would change what Keycloak does. */
function keycloakEnvironment(
  java: JavaRuntime,
  admin: { username: string; password: string },
): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('KC_') || name.startsWith('JAVA_OPTS') || name === 'JAVA' || name === 'JAVA_HOME')
      continue;
    environment[name] = value;
  }
  return {
    ...environment,
    JAVA: java.javaPath,
    JAVA_HOME: java.javaHome,
    KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
    KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    // The C1 compiler only: a short-lived test server starts faster (about 10-30% here on 2 cores).
    JAVA_OPTS_APPEND: '-XX:TieredStopAtLevel=1',
  };
}

/**
 * The certificate, its key (0600) and the CA file in the run directory, and the options that
 * add an HTTPS listener to the same process. The management interface stays plain HTTP (it
 * would otherwise inherit HTTPS), so the health check needs no CA.
 */
async function writeTlsFiles(
  certificates: TestCertificates,
  runDirectory: string,
  httpsPort: number,
): Promise<{ arguments: string[]; endpoint: { baseUrl: string; caCertPath: string } }> {
  const certificateFile = join(runDirectory, 'server.pem');
  const keyFile = join(runDirectory, 'server-key.pem');
  await writeFile(certificateFile, certificates.serverCertificate, { mode: 0o644 });
  await writeFile(keyFile, certificates.serverKey, { mode: 0o600 });
  const caCertPath = await writeCaFile(certificates, runDirectory);
  return {
    arguments: [
      `--https-port=${httpsPort}`,
      `--https-certificate-file=${certificateFile}`,
      `--https-certificate-key-file=${keyFile}`,
      '--http-management-scheme=http',
    ],
    endpoint: { baseUrl: `https://127.0.0.1:${httpsPort}`, caCertPath },
  };
}

/**
 * Health says the server runs; the realm's discovery document says the import worked too (and,
 * with HTTPS, that the HTTPS listener answers with the certificate the CA signed).
 */
async function ready(
  baseUrl: string,
  managementUrl: string,
  https: { baseUrl: string; caCertPath: string } | undefined,
): Promise<boolean> {
  try {
    const health = await fetch(`${managementUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    await health.body?.cancel();
    if (health.status !== 200) return false;
    const discovery = await fetch(`${baseUrl}/realms/${REALM_NAME}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5_000),
    });
    await discovery.body?.cancel();
    if (discovery.status !== 200) return false;
    return https === undefined || (await httpsAnswers(https));
  } catch {
    return false;
  }
}

/** A GET of the realm's discovery over HTTPS, trusting only the run's CA. */
async function httpsAnswers(https: { baseUrl: string; caCertPath: string }): Promise<boolean> {
  const ca = await readFile(https.caCertPath, 'utf8');
  return new Promise((resolve) => {
    const request = httpsGet(
      `${https.baseUrl}/realms/${REALM_NAME}/.well-known/openid-configuration`,
      { ca, timeout: 5_000 },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

async function logTail(path: string): Promise<string> {
  try {
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    return lines.slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '(no log was written)';
  }
}

/** Ports the OS hands out for 127.0.0.1; held together so the two differ. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port was assigned');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
