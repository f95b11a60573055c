import type { SkipCause } from '../../matrix/cell.js';
import { TargetUnavailable } from '../target.js';
import { type PreparedKeycloak, prepareDistribution } from './distribution.js';
import { findJavaRuntime, type JavaRuntime } from './java-runtime.js';
import type { KeycloakTargetOptions } from './keycloak-options.js';

/**
 * What both modes start Keycloak from: the newest local JDK 17+ and the Maven Central
 * distribution (the local mode runs them, the container mode copies them into its image).
 * No JDK is `TargetUnavailable` with `noJava` as the reason.
 */
export async function keycloakRuntimeInputs(
  options: KeycloakTargetOptions,
  version: string,
  noJava: { reason: string; cause: SkipCause },
): Promise<{ java: JavaRuntime; prepared: PreparedKeycloak }> {
  const java = await findJavaRuntime();
  if (!java) throw new TargetUnavailable(noJava.reason, noJava.cause);
  const prepared = await prepareDistribution({
    version,
    ...(options.cacheDirectory ? { cacheDirectory: options.cacheDirectory } : {}),
    ...(options.output ? { output: options.output } : {}),
    ...(options.repositoryUrl ? { repositoryUrl: options.repositoryUrl } : {}),
  });
  return { java, prepared };
}
