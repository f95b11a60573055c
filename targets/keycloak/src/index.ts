export { defaultKeycloakCacheDirectory } from './cache-directory.js';
export { conformanceTargets } from './conformance-targets.js';
export type { PreparedKeycloak } from './distribution.js';
export {
  type KeycloakRuntime,
  type KeycloakTargetOptions,
  keycloakTarget,
  type RunningKeycloak,
} from './keycloak-target.js';
export {
  type PreparedKeycloakReport,
  type PrepareKeycloakOptions,
  prepareKeycloak,
} from './prepare-keycloak.js';
export { REALM_CLIENTS, REALM_FILE_PATH, REALM_TESTER_USERNAME, REALM_USERNAME } from './realm-file.js';
export {
  acquireSharedKeycloak,
  type KeycloakBroker,
  type SharedKeycloakState,
  sharedKeycloakState,
  sharedKeycloakTarget,
  startKeycloakBroker,
} from './shared-keycloak.js';
export { KEYCLOAK_IMAGE, KEYCLOAK_VERSION, REALM_NAME } from './version.js';
