// Options and the started instance as data, shared by the local and container modes
// (kept apart from keycloak-target.ts so container-instance.ts needs no import back).
import type { ProgressOutput } from './progress-output.js';

/** How to run Keycloak: a container, the Maven Central distribution, or whichever works here. */
export type KeycloakRuntime = 'auto' | 'container' | 'local';

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

/**
 * A started Keycloak as plain data: everything a process needs to use it, so one instance can
 * serve several test files (see shared-keycloak.ts). Its secrets are the fake ones generated for
 * this run.
 */
export interface KeycloakInstance {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** The same server over HTTPS with a certificate from a CA made for this run (local distribution). */
  https?: { baseUrl: string; caCertPath: string };
  admin: { username: string; password: string };
  userPassword: string;
  serviceClientSecret: string;
  runtime: 'container' | 'local';
  description: string;
  processGroupId?: number;
  reusedDevBuild?: boolean;
}

/** A Keycloak server this process started, and how to stop it. */
export interface OwnedKeycloak {
  instance: KeycloakInstance;
  stop(): Promise<void>;
}
