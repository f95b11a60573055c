import { randomBytes } from 'node:crypto';
import { KEYCLOAK_IMAGE, REALM_NAME } from './version.js';

/** A Keycloak server in a container (where a Docker engine answers). */
export interface ContainerKeycloak {
  baseUrl: string;
  admin: { username: string; password: string };
  stop(): Promise<void>;
}

/**
 * True when testcontainers finds a working container engine. Loaded lazily: most machines
 * running the local distribution never need the library.
 */
export async function containerEngineAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    // "Could not find a working container runtime strategy", or testcontainers is missing.
    return false;
  }
}

export interface ContainerKeycloakOptions {
  realmJson: string;
  image?: string;
  /** @default 120 000 */
  startupTimeoutMs?: number;
}

/** `start-dev --import-realm` in quay.io/keycloak/keycloak, ready when /health/ready on 9000 answers 200. */
export async function startKeycloakContainer(options: ContainerKeycloakOptions): Promise<ContainerKeycloak> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const admin = {
    username: 'oidcflow-admin',
    password: `fake-admin-${randomBytes(12).toString('base64url')}`,
  };
  const container = await new GenericContainer(options.image ?? KEYCLOAK_IMAGE)
    .withCommand(['start-dev', '--import-realm', '--health-enabled=true'])
    .withEnvironment({
      KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
      KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    })
    .withCopyContentToContainer([
      {
        content: options.realmJson,
        target: `/opt/keycloak/data/import/${REALM_NAME}-realm.json`,
        mode: 0o644,
      },
    ])
    .withExposedPorts(8080, 9000)
    .withWaitStrategy(Wait.forHttp('/health/ready', 9000).forStatusCode(200))
    .withStartupTimeout(options.startupTimeoutMs ?? 120_000)
    .start();
  // Keycloak's dev mode takes the issuer from the Host header: use the IP literal the flows use.
  const host = container.getHost() === 'localhost' ? '127.0.0.1' : container.getHost();
  let stopped: Promise<unknown> | undefined;
  return {
    baseUrl: `http://${host}:${container.getMappedPort(8080)}`,
    admin,
    stop: async () => {
      stopped ??= container.stop({ timeout: 10_000 });
      await stopped;
    },
  };
}
