import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JavaRuntime } from '@oidcflow/conformance/targets';
import {
  discoveryServed,
  freePorts,
  healthReady,
  serverEnvironment,
  startServerProcess,
  type TestCertificates,
  writeCaFile,
} from '@oidcflow/conformance/targets';
import { devBuildDirectory, restoreDevBuild, saveDevBuild } from './dev-build-cache.js';
import type { PreparedKeycloak } from './distribution.js';
import type { StartedKeycloakServer } from './keycloak-options.js';
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
export interface LocalKeycloak extends StartedKeycloakServer {
  /** http://127.0.0.1:<management port> (health) */
  managementUrl: string;
  /** The start reused a kept dev build (no re-augmentation). */
  reusedDevBuild: boolean;
  /** kc.sh's process group (java included); gone once stop() resolves. */
  processGroupId: number;
}

/**
 * Copies the prepared distribution into a private temporary directory (Keycloak writes into its
 * home, and two runs must not share one), imports the realm, runs `kc.sh start-dev` in its own
 * process group (targets/process) and waits until it is ready.
 */
export async function startLocalKeycloak(options: LocalKeycloakOptions): Promise<LocalKeycloak> {
  const runDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-keycloak-'));
  const home = join(runDirectory, 'keycloak');
  // Until the server process owns the run directory, a failure here removes it.
  const setUp = await prepareHome(options, runDirectory, home).catch(async (error: unknown) => {
    await rm(runDirectory, { recursive: true, force: true });
    throw error;
  });
  const { devBuild, reusedDevBuild, https, ports } = setUp;
  const [httpPort, managementPort] = ports;
  const admin = {
    username: 'oidcflow-admin',
    password: `fake-admin-${randomBytes(12).toString('base64url')}`,
  };
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  const managementUrl = `http://127.0.0.1:${managementPort}`;
  const server = await startServerProcess({
    name: 'Keycloak',
    command: '/bin/sh',
    args: [
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
    env: keycloakEnvironment(options.java, admin),
    runDirectory,
    cwd: home,
    logPath: join(runDirectory, 'keycloak.log'),
    ready: () => ready(baseUrl, managementUrl, https?.endpoint),
    startupTimeoutMs: options.startupTimeoutMs ?? 180_000,
    timeoutHint: ` (on Java ${options.java.version})`,
  });
  // The first start of a version re-augmented the server: keep that for the next runs.
  if (!reusedDevBuild) await saveDevBuild(devBuild, home).catch(() => {});
  return {
    baseUrl,
    managementUrl,
    ...(https ? { https: https.endpoint } : {}),
    admin,
    reusedDevBuild,
    ...server,
  };
}

/** The private home with the dev build and the realm, the ports, and the TLS files. */
async function prepareHome(options: LocalKeycloakOptions, runDirectory: string, home: string) {
  await cp(options.prepared.home, home, { recursive: true });
  const { cacheDirectory, version } = options.prepared;
  const devBuild = devBuildDirectory(cacheDirectory, version, options.java.major);
  const reusedDevBuild = await restoreDevBuild(devBuild, home);
  await mkdir(join(home, 'data', 'import'), { recursive: true });
  await writeFile(join(home, 'data', 'import', `${REALM_NAME}-realm.json`), options.realmJson, {
    mode: 0o600,
  });
  const [httpPort = 0, managementPort = 0, httpsPort = 0] = await freePorts(3);
  const https = options.tls ? await writeTlsFiles(options.tls, runDirectory, httpsPort) : undefined;
  return { devBuild, reusedDevBuild, https, ports: [httpPort, managementPort] as const };
}

/** Deterministic: the caller's KC_* and JAVA_OPTS* settings would change what Keycloak does. */
function keycloakEnvironment(
  java: JavaRuntime,
  admin: { username: string; password: string },
): NodeJS.ProcessEnv {
  return serverEnvironment(
    (name) =>
      name.startsWith('KC_') || name.startsWith('JAVA_OPTS') || name === 'JAVA' || name === 'JAVA_HOME',
    {
      JAVA: java.javaPath,
      JAVA_HOME: java.javaHome,
      KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
      KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      // The C1 compiler only: a short-lived test server starts faster (about 10-30% here on 2 cores).
      JAVA_OPTS_APPEND: '-XX:TieredStopAtLevel=1',
    },
  );
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
  return (
    (await healthReady(managementUrl)) &&
    (await discoveryServed(`${baseUrl}/realms/${REALM_NAME}`)) &&
    (https === undefined || (await httpsAnswers(https)))
  );
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
