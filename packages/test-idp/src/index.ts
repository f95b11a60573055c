export { CLAIMS_BY_SCOPE, TEST_USER, TEST_USERS, type TestUser } from './account.js';
export {
  BrowserlessCookies,
  type BrowserlessOptions,
  completeAuthorizationWithoutBrowser,
  completeDeviceVerificationWithoutBrowser,
  signOutWithoutBrowser,
} from './browserless.js';
export {
  type CiIdentityAlgorithm,
  type CiIdentityIssuer,
  type CiIdentityIssuerOptions,
  type CiTokenOptions,
  type GitHubTokenRequest,
  startCiIdentityIssuer,
} from './ci-identity/ci-identity-issuer.js';
export type { GitHubJob, GitLabJob, KubernetesServiceAccount, SpiffeWorkload } from './ci-identity/claims.js';
export type { TrustedWorkloadIssuer } from './ci-identity/workload-grants.js';
export {
  CI_CLIENT_ID,
  CI_FEDERATED_CLIENT_ID,
  CI_JWT_CLIENT_ID,
  CI_POST_CLIENT_ID,
  CI_WORKLOAD_CLIENT_ID,
  type ClientSigningKey,
  CONFIDENTIAL_WEB_CLIENT_ID,
  DEVICE_CLIENT_ID,
  LOOPBACK_REDIRECT_URI,
  NATIVE_CLIENT_ID,
  type TestIdpClients,
} from './clients.js';
export {
  type JwtResourceServer,
  type JwtResourceServerOptions,
  type ResourceRequest,
  startJwtResourceServer,
} from './jwt-resource-server.js';
export { type LoopbackServer, listenOnLoopback } from './loopback-server.js';
export type { RequestFilter, RequestLog, RequestLogEntry, RequestPredicate } from './request-log.js';
export { startTestIdp, type TestIdp, type TestIdpLifetimes, type TestIdpOptions } from './start-test-idp.js';
export type { ResponseScriptControl, ScriptedResponse, ScriptFilter } from './token-script.js';
