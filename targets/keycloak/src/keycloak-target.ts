import type { WorkloadIdentitySupport } from '@oidcflow/conformance/targets';
import {
  type ConformanceTarget,
  completeServerCapabilities,
  type RunningTarget,
  timeBasedCode,
} from '@oidcflow/conformance/targets';
import { keycloakAdmin } from './admin-api.js';
import { startContainerKeycloakInstance } from './container-instance.js';
import { dockerEngineAnswers } from './container-runtime.js';
import { withFreshConsent } from './fresh-consent-pages.js';
import {
  type KeycloakInstance,
  type KeycloakRuntime,
  type KeycloakTargetOptions,
  type OwnedKeycloak,
  ownedKeycloak,
  serverStartOptions,
} from './keycloak-options.js';
import { keycloakPages } from './keycloak-pages.js';
import { startLocalKeycloak } from './local-distribution.js';
import {
  patchedRealm,
  REALM_CLIENTS,
  REALM_DEVICE_TIMING,
  REALM_OTHER_USERNAME,
  REALM_STEP_UP_USERNAME,
  REALM_USERNAME,
} from './realm-file.js';
import { keycloakRuntimeInputs } from './runtime-inputs.js';
import { configureStepUpFlow, STEP_UP_ACR } from './step-up-flow.js';
import { KEYCLOAK_VERSION, REALM_NAME } from './version.js';
import { trustCiIssuer } from './workload-federation.js';

export type {
  KeycloakInstance,
  KeycloakRuntime,
  KeycloakTargetOptions,
  OwnedKeycloak,
} from './keycloak-options.js';

/** The running target, with what the Keycloak tests also want to know. */
export interface RunningKeycloak extends RunningTarget {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  runtime: 'container' | 'local';
  /** Local distribution: kc.sh's process group, gone once the owner stopped it. */
  processGroupId?: number;
  /** Local distribution: the start reused the dev-mode build kept in the cache. */
  reusedDevBuild?: boolean;
}

const USER_SCOPES = ['openid', 'profile', 'email'];

/**
 * Keycloak as a conformance target: one realm (targets/keycloak/realm/oidcflow-realm.json) with a
 * PKCE auth code client, device clients, a confidential client-credentials client, an audience
 * mapper and refresh token rotation, on HTTP and (local distribution) HTTPS with a generated CA.
 * `start()` throws `TargetUnavailable` (cause 'keycloak') when Keycloak cannot run here.
 */
export function keycloakTarget(options: KeycloakTargetOptions = {}): ConformanceTarget {
  return {
    name: options.name ?? 'keycloak',
    description: `Keycloak ${options.version ?? KEYCLOAK_VERSION} (a container where a Docker engine answers, else the Maven Central distribution)`,
    async start() {
      const owned = await startKeycloakInstance(options);
      const workloadIdentity = await trustWorkloads(owned.instance).catch(async (error: unknown) => {
        await owned.stop();
        throw error;
      });
      const running = runningKeycloak(owned.instance, { stop: owned.stop, workloadIdentity });
      return options.name ? { ...running, name: options.name } : running;
    },
  };
}

/**
 * Starts a Keycloak server with the realm imported and the step-up flow made (step-up-flow.ts);
 * throws `TargetUnavailable` where it cannot run.
 */
export async function startKeycloakInstance(options: KeycloakTargetOptions = {}): Promise<OwnedKeycloak> {
  const owned = await startKeycloakServer(options);
  const { instance } = owned;
  await configureStepUpFlow(keycloakAdmin(instance.baseUrl, instance.admin)).catch(async (error: unknown) => {
    await owned.stop();
    throw error;
  });
  return owned;
}

async function startKeycloakServer(options: KeycloakTargetOptions): Promise<OwnedKeycloak> {
  const version = options.version ?? KEYCLOAK_VERSION;
  const runtime = options.runtime ?? runtimeFromEnvironment();
  const realm = await patchedRealm();
  const secrets = {
    userPassword: realm.userPassword,
    serviceClientSecret: realm.serviceClientSecret,
    otpSecret: realm.otpSecret,
  };

  // 'auto' takes a container only where a Docker engine answers; podman is the keycloak-container target's.
  if (runtime === 'container' || (runtime === 'auto' && (await dockerEngineAnswers()))) {
    return startContainerKeycloakInstance({ ...options, realmJson: realm.json, secrets });
  }

  const { java, prepared } = await keycloakRuntimeInputs(options, version, 'keycloak');
  const server = await startLocalKeycloak({
    prepared,
    java,
    realmJson: realm.json,
    ...serverStartOptions(options),
  });
  return ownedKeycloak(server, secrets, {
    runtime: 'local',
    description: `Keycloak ${version}, local distribution on Java ${java.major}, HTTP and HTTPS (generated CA)`,
    processGroupId: server.processGroupId,
    reusedDevBuild: server.reusedDevBuild,
  });
}

export interface RunningKeycloakOptions {
  /** What the target's stop() does: the owner stops the server, a borrower does nothing. */
  stop: () => Promise<void>;
  /** The realm user the pages log in as. @default REALM_USERNAME */
  username?: string;
  /** The CI identity issuer the realm trusts (`trustWorkloads`); stopped by the target's stop(). */
  workloadIdentity?: WorkloadIdentitySupport;
}

/**
 * Starts a CI identity issuer and makes the realm trust it (federated client authentication).
 * A container reaches no port of the host's loopback, so it is given the issuer's key inline.
 */
export function trustWorkloads(instance: KeycloakInstance): Promise<WorkloadIdentitySupport> {
  return trustCiIssuer(
    keycloakAdmin(instance.baseUrl, instance.admin),
    instance.baseUrl,
    instance.runtime === 'container' ? 'inline' : 'jwks-url',
  );
}

/** The conformance target's view of a started Keycloak. */
export function runningKeycloak(
  instance: KeycloakInstance,
  options: RunningKeycloakOptions,
): RunningKeycloak {
  const admin = keycloakAdmin(instance.baseUrl, instance.admin);
  const username = options.username ?? REALM_USERNAME;
  const issuer = `${instance.baseUrl}/realms/${REALM_NAME}`;
  return {
    name: 'keycloak',
    baseUrl: instance.baseUrl,
    runtime: instance.runtime,
    ...(instance.processGroupId !== undefined ? { processGroupId: instance.processGroupId } : {}),
    ...(instance.reusedDevBuild !== undefined ? { reusedDevBuild: instance.reusedDevBuild } : {}),
    issuer,
    clients: {
      auth_code: { clientId: REALM_CLIENTS.authCode, scopes: USER_SCOPES },
      device: { clientId: REALM_CLIENTS.device, scopes: USER_SCOPES },
      client_credentials: {
        clientId: REALM_CLIENTS.service,
        clientSecret: instance.serviceClientSecret,
        scopes: [],
      },
    },
    user: { username, password: instance.userPassword },
    otherUser: { username: REALM_OTHER_USERNAME, password: instance.userPassword },
    stepUp: {
      client: { clientId: REALM_CLIENTS.stepUp, scopes: USER_SCOPES },
      user: {
        username: REALM_STEP_UP_USERNAME,
        password: instance.userPassword,
        oneTimeCode: () => timeBasedCode(Buffer.from(instance.otpSecret, 'utf8')),
      },
      defaultAcr: STEP_UP_ACR.password,
      strongerAcr: STEP_UP_ACR.secondFactor,
      audience: REALM_CLIENTS.api,
    },
    pages: withFreshConsent(keycloakPages, () => admin.revokeConsents(username)),
    // consentRequired on oidcflow-cli; the device flow always asks; an audience mapper.
    capabilities: completeServerCapabilities(REALM_CLIENTS.api, {
      customCa: instance.https !== undefined,
      deviceScriptUnavailable: 'a real Keycloak cannot be scripted',
      dpop: true,
    }),
    ...(instance.https
      ? {
          tlsEndpoint: {
            issuer: `${instance.https.baseUrl}/realms/${REALM_NAME}`,
            caCertPath: instance.https.caCertPath,
          },
        }
      : {}),
    deviceTiming: {
      expiringClient: { clientId: REALM_CLIENTS.deviceExpiring, scopes: USER_SCOPES },
      codeLifespanSeconds: REALM_DEVICE_TIMING.codeLifespanSeconds,
      slowClient: { clientId: REALM_CLIENTS.deviceSlow, scopes: USER_SCOPES },
      intervalSeconds: REALM_DEVICE_TIMING.intervalSeconds,
    },
    ...(options.workloadIdentity ? { workloadIdentity: options.workloadIdentity } : {}),
    description: instance.description,
    stop: async () => {
      await options.workloadIdentity?.ciIssuer.stop();
      await options.stop();
    },
  };
}

function runtimeFromEnvironment(): KeycloakRuntime {
  const value = process.env.OIDCFLOW_KEYCLOAK_RUNTIME;
  return value === 'container' || value === 'local' ? value : 'auto';
}
