// What a target package (@oidcflow/target-keycloak, -hydra, -spring, or a third party's) builds
// on: the target interface, the process and TLS helpers, the page-script toolkit. The packages
// import it as `@oidcflow/conformance/targets`, so the kit and every target share one copy.
export { type FormIdp, type FormSelectors, formPageScript } from '../browser-bridge/form-pages.js';
export type { ConsentAnswer, LoginPageInput, PageScript, SignInPage } from '../browser-bridge/page-script.js';
export {
  FormRefused,
  fillSignIn,
  type KnownPages,
  type PageBounds,
  readSignInPage,
  type SignInFields,
  type SubmittedForm,
  submitAndWait,
  textOf,
  walkPages,
} from '../browser-bridge/page-wait.js';
export type { SkipCause } from '../matrix/cell.js';
export { audienceOf, jwtClaims } from '../support/jwt.js';
export { targetCacheDirectory } from './process/cache-directory.js';
export { freePorts } from './process/free-ports.js';
export { findJavaRuntime, type JavaRuntime, majorOf, requireJavaRuntime } from './process/java-runtime.js';
export { logTail } from './process/log-tail.js';
export { onProcessEnd, startWatchdog } from './process/process-end.js';
export { groupAlive, killGroup, stopGroup, trackGroup } from './process/process-group.js';
export { downloadProgress, type ProgressOutput } from './process/progress-output.js';
export {
  discoveryServed,
  healthReady,
  type ServerProcess,
  type ServerProcessOptions,
  serverEnvironment,
  startServerProcess,
} from './process/server-process.js';
export {
  type AudienceSupport,
  type ConformanceTarget,
  completeServerCapabilities,
  type FlowName,
  type RunningTarget,
  type StepUpSupport,
  type TargetCapabilities,
  type TargetClient,
  TargetUnavailable,
  type TestUser,
} from './target.js';
export type { PrepareValues, TargetPackage, TargetPrepareCommand } from './target-package.js';
export { generateTestCertificates, type TestCertificates, writeCaFile } from './tls/test-ca.js';
export { type TotpSettings, timeBasedCode } from './totp.js';
export {
  oneClientForAll,
  TRUSTED_WORKLOADS,
  UNTRUSTED_SUBJECT,
  type WorkloadCell,
  type WorkloadClient,
  type WorkloadIdentitySupport,
  type WorkloadPlatform,
  type WorkloadWay,
  withCiIssuer,
} from './workload-identity.js';
