import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressOutput } from '@oidcflow/conformance/targets';
import { findJavaRuntime, TargetUnavailable } from '@oidcflow/conformance/targets';
import { dockerEngineAnswers } from './container-runtime.js';
import { prepareDistribution } from './distribution.js';
import { ensureLocalKeycloakImage, type LocalImage } from './image-build.js';
import { podmanEnvironment, podmanInstalled } from './podman-service.js';
import { KEYCLOAK_VERSION } from './version.js';

export interface PrepareKeycloakContainerOptions {
  version?: string;
  cacheDirectory?: string;
  output?: ProgressOutput;
}

export type PreparedKeycloakContainer =
  | { engine: 'docker'; image: string }
  | ({ engine: 'podman' } & LocalImage);

/**
 * Makes the keycloak-container target's image ready before a run: nothing to do on a Docker
 * engine (it pulls the official image); on podman, the local image (image-build.ts), built once.
 */
export async function prepareKeycloakContainer(
  options: PrepareKeycloakContainerOptions = {},
): Promise<PreparedKeycloakContainer> {
  const override = process.env.OIDCFLOW_KEYCLOAK_IMAGE?.trim();
  if (await dockerEngineAnswers()) {
    return {
      engine: 'docker',
      image: override || `quay.io/keycloak/keycloak:${options.version ?? KEYCLOAK_VERSION}`,
    };
  }
  if (!podmanInstalled()) {
    throw new TargetUnavailable(
      'neither a Docker engine nor podman is here; install podman',
      'keycloak-container',
    );
  }
  const java = await findJavaRuntime();
  if (!java) {
    throw new TargetUnavailable(
      'no JDK 17 or newer to copy into the image; install one',
      'keycloak-container',
    );
  }
  const prepared = await prepareDistribution({
    version: options.version ?? KEYCLOAK_VERSION,
    ...(options.cacheDirectory ? { cacheDirectory: options.cacheDirectory } : {}),
    ...(options.output ? { output: options.output } : {}),
  });
  const directory = await mkdtemp(join(tmpdir(), 'oidcflow-podman-cli-'));
  try {
    const engine = { command: 'podman', env: await podmanEnvironment(directory) };
    const image = await ensureLocalKeycloakImage({
      prepared,
      java,
      engine,
      ...(options.output ? { output: options.output } : {}),
    });
    return { engine: 'podman', ...image };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
