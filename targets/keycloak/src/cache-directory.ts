import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the Keycloak distribution is kept between runs: outside the repository, so it is never
 * committed and survives a fresh clone. OIDCFLOW_KEYCLOAK_CACHE moves it.
 */
export function defaultKeycloakCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  const override = environment.OIDCFLOW_KEYCLOAK_CACHE;
  if (override && override.trim() !== '') return override;
  const cacheHome =
    environment.XDG_CACHE_HOME && environment.XDG_CACHE_HOME !== ''
      ? environment.XDG_CACHE_HOME
      : join(homedir(), '.cache');
  return join(cacheHome, 'oidcflow', 'keycloak');
}
