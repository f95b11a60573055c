import { join } from 'node:path';
import { targetCacheDirectory } from '@oidcflow/conformance/targets';

/**
 * Where the Hydra binary is kept between runs: outside the repository, so it is never
 * committed and survives a fresh clone. OIDCFLOW_HYDRA_CACHE moves it.
 */
export function defaultHydraCacheDirectory(environment: NodeJS.ProcessEnv = process.env): string {
  return targetCacheDirectory('hydra', 'OIDCFLOW_HYDRA_CACHE', environment);
}

/** The binary of one version: <cache>/<version>/hydra. */
export function hydraBinaryPath(cacheDirectory: string, version: string): string {
  return join(cacheDirectory, version, 'hydra');
}
