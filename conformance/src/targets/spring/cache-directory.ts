import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the built server is kept between runs, outside the repository (never committed, kept
 * across clones): <cache>/<hash of the sources>/app.jar. OIDCFLOW_SPRING_CACHE moves it; Maven's
 * own repository stays in ~/.m2.
 */
export function defaultSpringCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  const override = environment.OIDCFLOW_SPRING_CACHE;
  if (override && override.trim() !== '') return override;
  const cacheHome =
    environment.XDG_CACHE_HOME && environment.XDG_CACHE_HOME !== ''
      ? environment.XDG_CACHE_HOME
      : join(homedir(), '.cache');
  return join(cacheHome, 'oidcflow', 'spring-as');
}
