export { type BuildHydraOptions, type PreparedHydra, prepareHydraBinary } from './build-hydra.js';
export { defaultHydraCacheDirectory, hydraBinaryPath } from './cache-directory.js';
export { conformanceTargets } from './conformance-targets.js';
export {
  HYDRA_API_AUDIENCE,
  HYDRA_USERNAME,
  type HydraTargetOptions,
  hydraTarget,
  type RunningHydra,
} from './hydra-target.js';
export { HYDRA_VERSION } from './version.js';
