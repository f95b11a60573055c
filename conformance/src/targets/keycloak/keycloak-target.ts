import { keycloakPages } from '../../browser-bridge/keycloak-pages.js';
import { type ConformanceTarget, type RunningTarget, TargetUnavailable } from '../target.js';
import { keycloakAdmin } from './admin-api.js';
import { containerEngineAvailable, startKeycloakContainer } from './container-runtime.js';
import { prepareDistribution } from './distribution.js';
import { withFreshConsent } from './fresh-consent-pages.js';
import { findJavaRuntime } from './java-runtime.js';
import { startLocalKeycloak } from './local-distribution.js';
import type { ProgressOutput } from './progress-output.js';
import { patchedRealm, REALM_CLIENTS, REALM_USERNAME } from './realm-file.js';
import { KEYCLOAK_IMAGE, KEYCLOAK_VERSION, REALM_NAME } from './version.js';

/** How to run Keycloak: a container, the Maven Central distribution, or whichever works here. */
export type KeycloakRuntime = 'auto' | 'container' | 'local';

export interface KeycloakTargetOptions {
  /** @default OIDCFLOW_KEYCLOAK_RUNTIME, else 'auto' (a container where a Docker engine answers) */
  runtime?: KeycloakRuntime;
  /** Keycloak release (distribution and image tag). @default KEYCLOAK_VERSION */
  version?: string;
  /** @default OIDCFLOW_KEYCLOAK_CACHE, else ~/.cache/oidcflow/keycloak */
  cacheDirectory?: string;
  /** Bound on the start (120 s container, 180 s local distribution by default). */
  startupTimeoutMs?: number;
  /** A Maven repository in Maven Central's layout. @default OIDCFLOW_KEYCLOAK_REPOSITORY, else Maven Central */
  repositoryUrl?: string;
  /** Where download progress goes when the distribution is not cached yet. @default process.stderr */
  output?: ProgressOutput;
}

/** The running target, with what the Keycloak tests also want to know. */
export interface RunningKeycloak extends RunningTarget {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  runtime: 'container' | 'local';
  /** Local distribution: kc.sh's process group, gone once stop() resolves. */
  processGroupId?: number;
  /** Local distribution: the start reused the dev-mode build kept in the cache. */
  reusedDevBuild?: boolean;
}

const USER_SCOPES = ['openid', 'profile', 'email'];

/**
 * Keycloak as a conformance target: one realm (conformance/keycloak/oidcflow-realm.json) with a
 * PKCE auth code client, a device client, a confidential client-credentials client, an audience
 * mapper and refresh token rotation. `start()` throws `TargetUnavailable` (cause 'keycloak') when
 * Keycloak cannot run here.
 */
export function keycloakTarget(options: KeycloakTargetOptions = {}): ConformanceTarget {
  return {
    name: 'keycloak',
    description: `Keycloak ${options.version ?? KEYCLOAK_VERSION} (a container where a Docker engine answers, else the Maven Central distribution)`,
    start: () => startKeycloakTarget(options),
  };
}

async function startKeycloakTarget(options: KeycloakTargetOptions): Promise<RunningKeycloak> {
  const version = options.version ?? KEYCLOAK_VERSION;
  const runtime = options.runtime ?? runtimeFromEnvironment();
  const realm = await patchedRealm();

  let server: {
    baseUrl: string;
    admin: { username: string; password: string };
    processGroupId?: number;
    reusedDevBuild?: boolean;
    stop(): Promise<void>;
  };
  let description: string;
  let chosen: 'container' | 'local';
  const useContainer = runtime !== 'local' && (await containerEngineAvailable());
  if (runtime === 'container' || useContainer) {
    if (!useContainer) {
      throw new TargetUnavailable(
        'no container engine answers (testcontainers found no working runtime); start Docker, or use OIDCFLOW_KEYCLOAK_RUNTIME=local',
        'keycloak',
      );
    }
    const image = options.version ? `quay.io/keycloak/keycloak:${version}` : KEYCLOAK_IMAGE;
    server = await startKeycloakContainer({
      realmJson: realm.json,
      image,
      ...(options.startupTimeoutMs ? { startupTimeoutMs: options.startupTimeoutMs } : {}),
    });
    description = `Keycloak ${version}, container ${image}`;
    chosen = 'container';
  } else {
    const java = await findJavaRuntime();
    if (!java) {
      throw new TargetUnavailable(
        'Keycloak needs a JDK 17 or newer and none was found (JAVA_HOME, /usr/lib/jvm, PATH); install one or set JAVA_HOME',
        'keycloak',
      );
    }
    const prepared = await prepareDistribution({
      version,
      ...(options.cacheDirectory ? { cacheDirectory: options.cacheDirectory } : {}),
      ...(options.output ? { output: options.output } : {}),
      ...(options.repositoryUrl ? { repositoryUrl: options.repositoryUrl } : {}),
    });
    server = await startLocalKeycloak({
      prepared,
      java,
      realmJson: realm.json,
      ...(options.startupTimeoutMs ? { startupTimeoutMs: options.startupTimeoutMs } : {}),
    });
    description = `Keycloak ${version}, local distribution on Java ${java.major}`;
    chosen = 'local';
  }

  const admin = keycloakAdmin(server.baseUrl, server.admin);
  return {
    name: 'keycloak',
    baseUrl: server.baseUrl,
    runtime: chosen,
    ...(server.processGroupId !== undefined ? { processGroupId: server.processGroupId } : {}),
    ...(server.reusedDevBuild !== undefined ? { reusedDevBuild: server.reusedDevBuild } : {}),
    issuer: `${server.baseUrl}/realms/${REALM_NAME}`,
    clients: {
      auth_code: { clientId: REALM_CLIENTS.authCode, scopes: USER_SCOPES },
      device: { clientId: REALM_CLIENTS.device, scopes: USER_SCOPES },
      client_credentials: {
        clientId: REALM_CLIENTS.service,
        clientSecret: realm.serviceClientSecret,
        scopes: [],
      },
    },
    user: { username: REALM_USERNAME, password: realm.userPassword },
    pages: withFreshConsent(keycloakPages, () => admin.revokeConsents(REALM_USERNAME)),
    capabilities: {
      flows: ['auth_code', 'device', 'client_credentials'],
      refreshTokenRotation: true,
      revocation: true,
      // consentRequired on oidcflow-cli; the device flow always asks.
      consentDenial: { auth_code: true, device: true },
      audience: { sentAs: 'mapper', audience: REALM_CLIENTS.api, expectedAud: REALM_CLIENTS.api },
      customCa: false,
      deviceScriptUnavailable: 'a real Keycloak cannot be scripted',
    },
    description,
    stop: () => server.stop(),
  };
}

function runtimeFromEnvironment(): KeycloakRuntime {
  const value = process.env.OIDCFLOW_KEYCLOAK_RUNTIME;
  return value === 'container' || value === 'local' ? value : 'auto';
}
