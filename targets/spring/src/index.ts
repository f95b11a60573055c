export { type BuildSpringServerOptions, type BuiltSpringServer, buildSpringServer } from './build.js';
export { defaultSpringCacheDirectory } from './cache-directory.js';
export { conformanceTargets } from './conformance-targets.js';
export { type PreparedSpringReport, type PrepareSpringOptions, prepareSpring } from './prepare-spring.js';
export {
  SPRING_BOOT_VERSION,
  SPRING_PROJECT_DIRECTORY,
  SPRING_SECURITY_VERSION,
  sourceHash,
} from './project.js';
export { type SpringServer, type SpringServerSettings, startSpringServer } from './server.js';
export {
  type RunningSpring,
  SPRING_CLIENTS,
  SPRING_USERNAME,
  type SpringTargetOptions,
  springTarget,
} from './spring-target.js';
