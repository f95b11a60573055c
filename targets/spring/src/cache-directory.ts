import { targetCacheDirectory } from '@oidcflow/conformance/targets';

/**
 * Where the built server is kept between runs, outside the repository (never committed, kept
 * across clones): <cache>/<hash of the sources>/app.jar. OIDCFLOW_SPRING_CACHE moves it; Maven's
 * own repository stays in ~/.m2.
 */
export function defaultSpringCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  return targetCacheDirectory('spring-as', 'OIDCFLOW_SPRING_CACHE', environment);
}
