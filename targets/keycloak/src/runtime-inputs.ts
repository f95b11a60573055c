import { type JavaRuntime, requireJavaRuntime } from '@oidcflow/conformance/targets';
import { type PreparedKeycloak, prepareDistribution } from './distribution.js';
import type { KeycloakTargetOptions } from './keycloak-options.js';

/** The two modes, named as their targets' skip causes. */
type KeycloakMode = 'keycloak' | 'keycloak-container';

/** Who needs the JDK, and what else helps, per mode. */
const NO_JAVA: Record<KeycloakMode, { needs: string; fix: string }> = {
  keycloak: { needs: 'Keycloak', fix: 'set JAVA_HOME' },
  'keycloak-container': {
    needs: 'the local Keycloak image (it copies one in)',
    fix: 'set OIDCFLOW_KEYCLOAK_IMAGE',
  },
};

/**
 * What both modes start Keycloak from: the newest local JDK 17+ and the Maven Central
 * distribution (the local mode runs them, the container mode copies them into its image).
 * No JDK is `TargetUnavailable` with the mode as its cause.
 */
export async function keycloakRuntimeInputs(
  options: KeycloakTargetOptions,
  version: string,
  mode: KeycloakMode,
): Promise<{ java: JavaRuntime; prepared: PreparedKeycloak }> {
  const java = await requireJavaRuntime(NO_JAVA[mode].needs, NO_JAVA[mode].fix, mode);
  const prepared = await prepareDistribution({
    version,
    ...(options.cacheDirectory ? { cacheDirectory: options.cacheDirectory } : {}),
    ...(options.output ? { output: options.output } : {}),
    ...(options.repositoryUrl ? { repositoryUrl: options.repositoryUrl } : {}),
  });
  return { java, prepared };
}
