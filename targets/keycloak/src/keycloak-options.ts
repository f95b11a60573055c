// Options, the started server and the instance as data, shared by the local and container
// modes (kept apart from keycloak-target.ts so container-instance.ts needs no import back).

import type { ProgressOutput } from '@oidcflow/conformance/targets';
import { generateTestCertificates, type TestCertificates } from '@oidcflow/conformance/targets';

/** How to run Keycloak: a container, the Maven Central distribution, or whichever works here. */
export type KeycloakRuntime = 'auto' | 'container' | 'local';

/** How `keycloakTarget` runs Keycloak: as a process, in a container, or whichever works here. */
export interface KeycloakTargetOptions {
  /** The matrix column. @default 'keycloak' */
  name?: string;
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

/** What starting a Keycloak server (local distribution or container) gives back. */
export interface StartedKeycloakServer {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** The same server over HTTPS with a certificate from a CA made for this run, and that CA's file. */
  https?: { baseUrl: string; caCertPath: string };
  admin: { username: string; password: string };
  stop(): Promise<void>;
}

/** How every mode starts its server: HTTPS beside HTTP (a CA made for this run), the caller's bound. */
export function serverStartOptions(options: KeycloakTargetOptions): {
  tls: TestCertificates;
  startupTimeoutMs?: number;
} {
  return {
    tls: generateTestCertificates(['127.0.0.1', 'localhost']),
    ...(options.startupTimeoutMs ? { startupTimeoutMs: options.startupTimeoutMs } : {}),
  };
}

/**
 * A started Keycloak as plain data: everything a process needs to use it, so one instance can
 * serve several test files (see shared-keycloak.ts). Its secrets are the fake ones generated for
 * this run.
 */
export interface KeycloakInstance extends Omit<StartedKeycloakServer, 'stop'>, RealmSecrets {
  runtime: 'container' | 'local';
  description: string;
  processGroupId?: number;
  reusedDevBuild?: boolean;
}

/** The fake secrets `patchedRealm` made for this run's realm. */
export interface RealmSecrets {
  userPassword: string;
  serviceClientSecret: string;
  /** The step-up user's TOTP key. */
  otpSecret: string;
}

/** A Keycloak server this process started, and how to stop it. */
export interface OwnedKeycloak {
  instance: KeycloakInstance;
  stop(): Promise<void>;
}

/** The instance of a started server with the realm's secrets; `stop` is the server's unless given. */
export function ownedKeycloak(
  server: StartedKeycloakServer,
  secrets: RealmSecrets,
  details: Pick<KeycloakInstance, 'runtime' | 'description' | 'processGroupId' | 'reusedDevBuild'>,
  stop: () => Promise<void> = () => server.stop(),
): OwnedKeycloak {
  return {
    instance: {
      baseUrl: server.baseUrl,
      ...(server.https ? { https: server.https } : {}),
      admin: server.admin,
      ...secrets,
      ...details,
    },
    stop,
  };
}
