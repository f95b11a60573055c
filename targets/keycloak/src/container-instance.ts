import { TargetUnavailable } from '@oidcflow/conformance/targets';
import { acquireContainerEngine, type ContainerEngine, startKeycloakContainer } from './container-runtime.js';
import { ensureLocalKeycloakImage } from './image-build.js';
import {
  type KeycloakTargetOptions,
  type OwnedKeycloak,
  ownedKeycloak,
  type RealmSecrets,
  serverStartOptions,
} from './keycloak-options.js';
import { keycloakRuntimeInputs } from './runtime-inputs.js';
import { KEYCLOAK_IMAGE, KEYCLOAK_VERSION } from './version.js';

export interface ContainerInstanceOptions extends KeycloakTargetOptions {
  realmJson: string;
  secrets: RealmSecrets;
}

/**
 * Keycloak in a container through testcontainers. The image: OIDCFLOW_KEYCLOAK_IMAGE if set;
 * on a Docker engine the official image of the pinned version; on podman (no registry reachable
 * on these machines) the image built here from the Maven Central distribution (image-build.ts).
 * Throws `TargetUnavailable` (cause 'keycloak-container') when no engine is here.
 */
export async function startContainerKeycloakInstance(
  options: ContainerInstanceOptions,
): Promise<OwnedKeycloak> {
  const version = options.version ?? KEYCLOAK_VERSION;
  const engine = await acquireContainerEngine();
  if (!engine) {
    throw new TargetUnavailable(
      'no container engine here: no Docker engine answers (DOCKER_HOST, /var/run/docker.sock) and podman is not installed; install podman (.ci/run does), or use the keycloak target (local distribution)',
      'keycloak-container',
    );
  }
  try {
    const { image, built } = await imageFor(engine, options, version);
    const server = await startKeycloakContainer({
      engine,
      realmJson: options.realmJson,
      image,
      ...serverStartOptions(options),
    });
    return ownedKeycloak(
      server,
      options.secrets,
      {
        runtime: 'container',
        description: `Keycloak ${version}, container mode: image ${image}${built} on the ${engine.description}, HTTP and HTTPS (generated CA), ready ${(server.startMs / 1000).toFixed(1)} s after create`,
      },
      async () => {
        try {
          await server.stop();
        } finally {
          await engine.release();
        }
      },
    );
  } catch (error) {
    await engine.release();
    throw error;
  }
}

async function imageFor(
  engine: ContainerEngine,
  options: KeycloakTargetOptions,
  version: string,
): Promise<{ image: string; built: string }> {
  const override = process.env.OIDCFLOW_KEYCLOAK_IMAGE?.trim();
  if (override) return { image: override, built: '' };
  if (engine.kind === 'docker') {
    return { image: options.version ? `quay.io/keycloak/keycloak:${version}` : KEYCLOAK_IMAGE, built: '' };
  }
  const { java, prepared } = await keycloakRuntimeInputs(options, version, 'keycloak-container');
  const local = await ensureLocalKeycloakImage({
    prepared,
    java,
    engine: engine.cli,
    ...(options.output ? { output: options.output } : {}),
  });
  return {
    image: local.image,
    built: local.reused ? ' (built here, reused)' : ` (built here in ${local.seconds} s)`,
  };
}
