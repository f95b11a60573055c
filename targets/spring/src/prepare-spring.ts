import type { ProgressOutput } from '@oidcflow/conformance/targets';
import { findJavaRuntime, TargetUnavailable } from '@oidcflow/conformance/targets';
import { type BuiltSpringServer, buildSpringServer } from './build.js';

/** Where `prepareSpring` builds, and where it reports progress. */
export interface PrepareSpringOptions {
  /** @default OIDCFLOW_SPRING_CACHE, else ~/.cache/oidcflow/spring-as */
  cacheDirectory?: string;
  /** @default process.stderr */
  output?: ProgressOutput;
}

/** What `prepareSpring` did, with the JDK it built on. */
export interface PreparedSpringReport extends BuiltSpringServer {
  /** The JDK it was built with, e.g. "25.0.3". */
  javaVersion: string;
}

/**
 * Builds the Spring Authorization Server into the cache unless the jar of these sources is
 * there already (then it does nothing and needs no network).
 *
 * Throws `TargetUnavailable` (cause 'spring') when it cannot be built here.
 */
export async function prepareSpring(options: PrepareSpringOptions = {}): Promise<PreparedSpringReport> {
  const java = await findJavaRuntime();
  if (!java) {
    throw new TargetUnavailable(
      'building the Spring Authorization Server needs a JDK 17 or newer and none was found (JAVA_HOME, /usr/lib/jvm, PATH)',
      'spring',
    );
  }
  const built = await buildSpringServer({ java, ...options });
  return { ...built, javaVersion: java.version };
}
