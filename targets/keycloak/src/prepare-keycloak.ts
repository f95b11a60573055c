import { findJavaRuntime } from '@oidcflow/conformance/targets';
import { devBuildDirectory, hasDevBuild } from './dev-build-cache.js';
import {
  type PrepareDistributionOptions,
  type PreparedKeycloak,
  prepareDistribution,
} from './distribution.js';
import { startLocalKeycloak } from './local-distribution.js';
import { patchedRealm } from './realm-file.js';

/** Which Keycloak to prepare, where, and whether to start it once to keep its build. */
export interface PrepareKeycloakOptions extends PrepareDistributionOptions {
  /**
   * Also start Keycloak once and stop it, so its dev-mode build is kept in the cache and the
   * conformance run starts in about a third of the time. Skipped (not failed) without a JDK.
   * @default true
   */
  warmUp?: boolean;
  /** Bound on the warm-up start. @default 180 000 */
  startupTimeoutMs?: number;
}

/** What `prepareKeycloak` did: the distribution, and whether its dev build is kept. */
export interface PreparedKeycloakReport extends PreparedKeycloak {
  /** What happened to the dev-mode build: kept from before, built now, or why not. */
  devBuild: string;
  /** How long the warm-up start took in this call, in ms (0 when skipped). */
  warmUpMs: number;
}

/**
 * Downloads (Maven Central, sha1-checked), unpacks and warms up the pinned Keycloak in the cache
 * directory; a second call does nothing and needs no network. Progress goes to `output`
 * (default stderr), percentages only on a TTY.
 *
 * Throws `TargetUnavailable` (cause 'keycloak') when the distribution cannot be obtained.
 */
export async function prepareKeycloak(options: PrepareKeycloakOptions = {}): Promise<PreparedKeycloakReport> {
  const prepared = await prepareDistribution(options);
  if (options.warmUp === false) return { ...prepared, devBuild: 'not asked for', warmUpMs: 0 };
  const java = await findJavaRuntime();
  if (!java) {
    return {
      ...prepared,
      devBuild: 'skipped: no JDK 17+ (set JAVA_HOME or install one under /usr/lib/jvm)',
      warmUpMs: 0,
    };
  }
  if (await hasDevBuild(devBuildDirectory(prepared.cacheDirectory, prepared.version, java.major))) {
    return { ...prepared, devBuild: `kept (Java ${java.major})`, warmUpMs: 0 };
  }
  const output = options.output ?? process.stderr;
  output.write(
    `oidcflow: starting Keycloak ${prepared.version} once on Java ${java.version} to keep its dev-mode build\n`,
  );
  const startedAt = Date.now();
  const realm = await patchedRealm();
  const server = await startLocalKeycloak({
    prepared,
    java,
    realmJson: realm.json,
    startupTimeoutMs: options.startupTimeoutMs ?? 180_000,
  });
  await server.stop();
  return { ...prepared, devBuild: `built (Java ${java.major})`, warmUpMs: Date.now() - startedAt };
}
