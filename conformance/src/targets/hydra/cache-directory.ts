import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the Hydra binary is kept between runs: outside the repository, so it is never
 * committed and survives a fresh clone. OIDCFLOW_HYDRA_CACHE moves it.
 */
export function defaultHydraCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  const override = environment.OIDCFLOW_HYDRA_CACHE;
  if (override && override.trim() !== '') return override;
  const cacheHome =
    environment.XDG_CACHE_HOME && environment.XDG_CACHE_HOME !== ''
      ? environment.XDG_CACHE_HOME
      : join(homedir(), '.cache');
  return join(cacheHome, 'oidcflow', 'hydra');
}

/** The binary of one version: <cache>/<version>/hydra. */
export function hydraBinaryPath(cacheDirectory: string, version: string): string {
  return join(cacheDirectory, version, 'hydra');
}
