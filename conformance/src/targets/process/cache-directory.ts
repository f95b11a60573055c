import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a target keeps what it builds between runs: outside the repository (never committed,
 * kept across clones), in <XDG_CACHE_HOME or ~/.cache>/oidcflow/<name>, unless the environment
 * variable `overrideVariable` names another directory.
 */
export function targetCacheDirectory(
  name: string,
  overrideVariable: string,
  environment: NodeJS.ProcessEnv = process.env,
): string {
  const override = environment[overrideVariable];
  if (override && override.trim() !== '') return override;
  const cacheHome =
    environment.XDG_CACHE_HOME && environment.XDG_CACHE_HOME !== ''
      ? environment.XDG_CACHE_HOME
      : join(homedir(), '.cache');
  return join(cacheHome, 'oidcflow', name);
}
